/**
 * A workload of {@code sluice-perf}: what to send (record size, count or duration, rate, keys) and the knobs of the
 * system under test, the payload every target moves, and the durations of the command line.
 */
package io.sluice.benchmarks.perf.workload;
