/**
 * Sluice's exceptions: one type per error, all extending {@link io.sluice.errors.SluiceException}, each naming its
 * stable {@link io.sluice.errors.ErrorCode} (what a node sends over the wire). Those a caller may simply try again
 * implement {@link io.sluice.errors.Retriable}. A leaf package: it depends on no other Sluice package.
 */
package io.sluice.errors;
