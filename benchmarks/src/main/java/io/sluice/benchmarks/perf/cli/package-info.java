/**
 * The command line of {@code sluice-perf} (picocli): {@code SluicePerf} and its commands, the workload options they
 * share, workload files, and the converters of the options' values.
 */
package io.sluice.benchmarks.perf.cli;
