/**
 * {@link io.sluice.check.Check}: argument checks that name the argument that is wrong ({@code prefetch must be > 0,
 * was -1}), used by the options of every Sluice module. A leaf: it depends on nothing else of Sluice, so that the API
 * packages and the SPI can all use it without a cycle. Applications have no use for it.
 */
package io.sluice.check;
