/**
 * {@code sluice-perf}, the perf lab's command-line tool (version 0): one {@link io.sluice.benchmarks.perf.Workload}
 * run against one or more {@link io.sluice.benchmarks.perf.Target}s, each record carrying its sequence number and
 * intended send time so that the receiving side measures end-to-end latency (HdrHistogram) and a reliability tally
 * (lost, duplicated, reordered). Results are {@link io.sluice.benchmarks.perf.RunResult}s printed by
 * {@link io.sluice.benchmarks.perf.Table}.
 */
package io.sluice.benchmarks.perf;
