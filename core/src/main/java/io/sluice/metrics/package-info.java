/** The names and tags of the Micrometer meters Sluice registers: {@link io.sluice.metrics.SluiceMeters}. */
package io.sluice.metrics;
