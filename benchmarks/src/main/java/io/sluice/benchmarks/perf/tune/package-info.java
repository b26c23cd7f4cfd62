/**
 * {@code sluice-perf tune}'s search: trials over one target's knobs (prefetch, concurrency, batching, partitions), the
 * best confirmed against the default in alternating runs, and the sweep as a result.
 */
package io.sluice.benchmarks.perf.tune;
