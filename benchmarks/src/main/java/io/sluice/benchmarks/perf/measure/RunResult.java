package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The measured phase of one run of a workload against a target.
 *
 * <p>Counts sum over the consumer groups ({@code --groups}): with two groups every record is due twice, once per
 * group, so {@code received}, {@code lost}, {@code duplicated} and the throughput count deliveries per group.
 *
 * <p>Throughput is end to end: distinct records received divided by {@code elapsed}, the time from the first
 * send to the last receipt. MB/s counts value bytes in units of 10^6 bytes. Latency is receipt time minus
 * intended send time.
 *
 * @param target     the target's name
 * @param workload   what was run
 * @param sent       records handed to the target
 * @param acked      sends acknowledged, or -1 when the target has no acknowledgements
 * @param received   deliveries, duplicates included
 * @param lost       sent records never received
 * @param duplicated deliveries of a record already received
 * @param reordered  deliveries whose sequence number is lower than the previous one of their partition
 * @param elapsed    first send to last receipt
 * @param sendTime   first send to last send
 * @param msgsPerSec distinct records received per second
 * @param mbPerSec   value megabytes (10^6 bytes) received per second
 * @param latency    end-to-end latency percentiles in microseconds
 * @param error      why the run failed or was cut short, or null
 * @param details    further observations of the runner and the target (e.g. GC during the phase), in order
 * @param throughputTimeline distinct records received per second, second by second over the phase (the last entry
 *                   may cover a little less or more than a second: {@link Probe#throughputTimeline()}); empty if unknown
 * @param cannotSustain at a fixed rate, why the target could not sustain it ({@link Sustain}): its percentiles are
 *                   then schedule lag, not latency, and reports say so instead of printing them; null when it kept up
 *                   or the rate was unlimited
 * @param latencyTimeline the latency of the records received in each second of {@code throughputTimeline} (one entry
 *                   per entry there: {@link Probe#latencyTimeline()}); empty if unknown
 */
public record RunResult(String target, Workload workload, long sent, long acked, long received, long lost, long duplicated,
                        long reordered, Duration elapsed, Duration sendTime, double msgsPerSec, double mbPerSec,
                        Latency latency, String error, Map<String, String> details,
                        List<Long> throughputTimeline, String cannotSustain, List<Latency> latencyTimeline) {

    public RunResult {
        throughputTimeline = List.copyOf(throughputTimeline);
        latencyTimeline = List.copyOf(latencyTimeline);
    }

    /** A result without a latency timeline. */
    public RunResult(String target, Workload workload, long sent, long acked, long received, long lost, long duplicated,
                     long reordered, Duration elapsed, Duration sendTime, double msgsPerSec, double mbPerSec,
                     Latency latency, String error, Map<String, String> details,
                     List<Long> throughputTimeline, String cannotSustain) {
        this(target, workload, sent, acked, received, lost, duplicated, reordered, elapsed, sendTime, msgsPerSec, mbPerSec,
                latency, error, details, throughputTimeline, cannotSustain, List.of());
    }

    /** A result of a target that kept up with its rate (or ran at an unlimited one). */
    public RunResult(String target, Workload workload, long sent, long acked, long received, long lost, long duplicated,
                     long reordered, Duration elapsed, Duration sendTime, double msgsPerSec, double mbPerSec,
                     Latency latency, String error, Map<String, String> details, List<Long> throughputTimeline) {
        this(target, workload, sent, acked, received, lost, duplicated, reordered, elapsed, sendTime, msgsPerSec, mbPerSec,
                latency, error, details, throughputTimeline, null);
    }

    /** True when the percentiles measure latency: the run was at an unlimited rate or the target kept up with it. */
    public boolean sustained() {
        return cannotSustain == null;
    }

    /** A result without a throughput timeline. */
    public RunResult(String target, Workload workload, long sent, long acked, long received, long lost, long duplicated,
                     long reordered, Duration elapsed, Duration sendTime, double msgsPerSec, double mbPerSec,
                     Latency latency, String error, Map<String, String> details) {
        this(target, workload, sent, acked, received, lost, duplicated, reordered, elapsed, sendTime, msgsPerSec, mbPerSec,
                latency, error, details, List.of());
    }

    /** This result with {@code details} in place of its own. */
    public RunResult withDetails(Map<String, String> details) {
        return new RunResult(target, workload, sent, acked, received, lost, duplicated, reordered, elapsed, sendTime,
                msgsPerSec, mbPerSec, latency, error, details, throughputTimeline, cannotSustain, latencyTimeline);
    }

    /** True when the run failed or was cut short. */
    public boolean failed() {
        return error != null;
    }

    /** A failure before or during the run, with what was measured until then. */
    public static RunResult failure(String target, Workload workload, String error) {
        return new RunResult(target, workload, 0, -1, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, 0, 0, Latency.NONE, error, Map.of(),
                List.of(), null);
    }

    /** The readings of a finished phase. */
    static RunResult of(String target, Workload workload, Probe probe, String error) {
        long sent = probe.sent();
        long received = 0;
        long distinct = 0;
        long lost = 0;
        long duplicated = 0;
        long reordered = 0;
        for (int g = 0; g < probe.groups(); g++) {
            Tally tally = probe.tally(g);
            received += tally.received();
            distinct += tally.distinct();
            lost += tally.lost(sent);
            duplicated += tally.duplicated();
            reordered += tally.reordered();
        }
        long start = probe.startNanos();
        long elapsedNanos = distinct == 0 ? 0 : Math.max(1, probe.lastReceiveNanos() - start);
        long sendNanos = probe.sourceDone() ? Math.max(0, probe.sourceEndNanos() - start) : 0;
        double msgs = elapsedNanos == 0 ? 0 : distinct * 1e9 / elapsedNanos;
        double perGroup = msgs / probe.groups();
        return new RunResult(target, workload, sent, probe.ackedCount(), received, lost, duplicated, reordered,
                Duration.ofNanos(elapsedNanos), Duration.ofNanos(sendNanos), msgs, msgs * workload.recordSize() / 1e6,
                Latency.of(probe.latencyHistogram()), error, probe.details(), probe.throughputTimeline(),
                // a profile changes its rate, and the backlog with it, by design: only its delivered share judges it
                Sustain.judge(workload.rate(), perGroup, workload.profile() == null ? probe.backlogTimeline() : List.of()),
                probe.latencyTimeline());
    }
}
