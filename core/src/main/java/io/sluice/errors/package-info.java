/**
 * Sluice's exceptions: one type per error, all extending {@link io.sluice.errors.SluiceException}.
 * Those a caller may simply try again implement {@link io.sluice.errors.Retriable}.
 */
package io.sluice.errors;
