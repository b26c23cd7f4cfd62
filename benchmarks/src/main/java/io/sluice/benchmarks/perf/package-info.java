/**
 * {@code sluice-perf}, the perf lab's command-line tool (version 0): one
 * {@link io.sluice.benchmarks.perf.workload.Workload} run against one or more
 * {@link io.sluice.benchmarks.perf.measure.Target}s, each record carrying its sequence number and intended send time so
 * that the receiving side measures end-to-end latency (HdrHistogram) and a reliability tally (lost, duplicated,
 * reordered). Its packages, each depending only on those listed before it:
 * <ul>
 * <li>{@code workload}: what to send and the knobs of the system under test (record keys, payloads, durations);</li>
 * <li>{@code measure}: the harness: the payload source and its pacing, the probe, the runner, results and their
 *     statistics, and the {@code Target} contract every system under test implements;</li>
 * <li>{@code process}: the child JVMs the tool starts (a node, a Kafka broker, the peers' own tools) and the
 *     temporary directories they use;</li>
 * <li>{@code targets.peers}: the drivers of Kafka, RabbitMQ and NATS, a Kafka broker, and the peers' benchmark
 *     tools that {@code parity} runs;</li>
 * <li>{@code targets}: the Sluice and baseline targets and the registry of every target by name;</li>
 * <li>{@code tune}: the search over a target's knobs;</li>
 * <li>{@code report}: the table, JSON and HTML reports, and results files read back;</li>
 * <li>{@code cli}: the commands ({@code run}, {@code compare}, {@code parity}, {@code tune}, {@code report}) and
 *     their options.</li>
 * </ul>
 */
package io.sluice.benchmarks.perf;
