package io.sluice.benchmarks.perf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What one phase of a run measures, written from three sides without locks:
 * <ul>
 * <li>the payload source (producer thread): {@link #started}, {@link #sent}, {@link #sourceCompleted};</li>
 * <li>the target's acknowledgement subscriber, if it has acknowledgements: {@link #acked}, {@link #acksCompleted};</li>
 * <li>the target's consumer (one thread at a time, signals serialized as Reactive Streams requires):
 *     {@link #received}, which records the latency in a {@link Histogram} and counts the {@link Tally}.</li>
 * </ul>
 * Each side is a single writer of its counters and publishes them with ordered (release) stores; the runner's
 * thread reads them. The phase is {@linkplain #isComplete() complete} when the source has finished, every
 * sent record has been received once and (for targets with acknowledgements) every send was acknowledged.
 */
public final class Probe {
    private final boolean expectsAcks;
    private final Tally tally;
    private final Histogram latency = Latency.newHistogram();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong distinct = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Map<String, String> details = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile long startNanos;
    private volatile long sourceEndNanos;
    private volatile long sentFinal = Long.MAX_VALUE;
    private volatile boolean acksDone;
    private volatile Throwable error;
    /** Written by the consumer before it publishes {@link #distinct}. */
    private long lastReceiveNanos;
    /** The throughput timeline (records/s per interval), where its last two intervals began; guarded by itself. */
    private final List<Long> timeline = new ArrayList<>();
    private long timelineNanos;
    private long timelineReceived;
    private long previousNanos;
    private long previousReceived;

    /**
     * @param partitions  lanes in which the tally expects ascending sequence numbers
     * @param expectsAcks whether the target reports acknowledgements ({@link #acked}, {@link #acksCompleted})
     */
    public Probe(int partitions, boolean expectsAcks) {
        this.tally = new Tally(partitions);
        this.expectsAcks = expectsAcks;
    }

    // ---- source side ----

    /** The first record is about to be sent at {@code nanos}. */
    public void started(long nanos) {
        startNanos = nanos;
    }

    /** One more record handed to the target: {@code total} so far. */
    public void sent(long total) {
        sent.lazySet(total);
    }

    /** The source sent its last record; {@code total} in all. */
    public void sourceCompleted(long total, long nanos) {
        sent.lazySet(total);
        sourceEndNanos = nanos;
        sentFinal = total;
        checkDone();
    }

    // ---- acknowledgement side ----

    /** The target acknowledged one more send. */
    public void acked() {
        acked.lazySet(acked.get() + 1);
    }

    /** Every send has been acknowledged (the target's send stream completed). */
    public void acksCompleted() {
        acksDone = true;
        checkDone();
    }

    // ---- consumer side ----

    /**
     * One record arrived at {@code nowNanos} ({@link System#nanoTime()} taken on receipt).
     *
     * @param partition     the partition it came from (0 for targets without partitions)
     * @param seq           its sequence number
     * @param intendedNanos when it was meant to be sent
     */
    public void received(int partition, long seq, long intendedNanos, long nowNanos) {
        Latency.record(latency, nowNanos - intendedNanos);
        if (tally.record(partition, seq)) {
            lastReceiveNanos = nowNanos;
            long d = distinct.get() + 1;
            distinct.lazySet(d);
            if (d == sentFinal) {
                checkDone();
            }
        }
    }

    // ---- any side ----

    /** The target failed; the phase ends with this error. */
    public void failed(Throwable e) {
        if (error == null) {
            error = e;
        }
        done.complete(null);
    }

    /** Completes {@link #done()} if the phase is complete; the runner also calls this while it waits. */
    public boolean checkDone() {
        if (isComplete()) {
            done.complete(null);
            return true;
        }
        return false;
    }

    /** Source finished, every record received, acknowledgements (if any) complete. */
    public boolean isComplete() {
        long s = sentFinal;
        return s != Long.MAX_VALUE && distinct.get() >= s && (!expectsAcks || acksDone);
    }

    /** Completes when the phase is complete or failed. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** A target- or runner-specific observation for the result, e.g. {@code batches -> 1,000 (10.0 records/batch)}. */
    public void detail(String name, String value) {
        details.put(name, value);
    }

    // ---- the runner ----

    /** Starts the throughput timeline at {@code nanos}: the first {@link #sample} covers the time since. */
    public void timelineStart(long nanos) {
        synchronized (timeline) {
            timeline.clear();
            timelineNanos = nanos;
            timelineReceived = distinct.get();
        }
    }

    /**
     * Adds one interval to the throughput timeline: the distinct records received since the previous sample divided
     * by the time since then. The first interval begins at the first send (as {@link RunResult}'s throughput does),
     * or at {@link #timelineStart} when nothing had been sent by then. The runner samples once a second.
     */
    public void sample(long nanos) {
        long received = distinct.get();
        synchronized (timeline) {
            long from = timelineNanos;
            long first = startNanos;
            if (timeline.isEmpty() && first != 0 && first - from > 0) {
                from = first;
            }
            long dt = nanos - from;
            if (dt > 0) {
                timeline.add(Math.round((received - timelineReceived) * 1e9 / dt));
                previousNanos = from;
                previousReceived = timelineReceived;
                timelineNanos = nanos;
                timelineReceived = received;
            }
        }
    }

    /**
     * Closes the timeline at the end of the phase with the records received since the last sample, up to the last
     * receipt. A remainder shorter than half a second is merged into the previous interval, so that a sliver of a
     * few milliseconds does not show as a spike or a dip; nothing is added when nothing new arrived.
     */
    public void sampleLast() {
        long received = distinct.get();
        long last = lastReceiveNanos();
        synchronized (timeline) {
            if (received <= timelineReceived || last - timelineNanos <= 0) {
                return;
            }
            if (!timeline.isEmpty() && last - timelineNanos < 500_000_000L) {
                timeline.remove(timeline.size() - 1);
                timelineNanos = previousNanos;
                timelineReceived = previousReceived;
            }
            sample(last);
        }
    }

    // ---- readings ----

    /**
     * Distinct records received per second over the phase, one entry per second ({@link #sample}) from the first
     * send; the first entry may cover less than a second, the last one half a second to a second and a half, and in a
     * phase shorter than a second the one entry covers all of it.
     */
    public List<Long> throughputTimeline() {
        synchronized (timeline) {
            return List.copyOf(timeline);
        }
    }

    /** The observations given to {@link #detail}, in the order given. */
    public Map<String, String> details() {
        synchronized (details) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    public boolean expectsAcks() {
        return expectsAcks;
    }

    public long sent() {
        return sent.get();
    }

    /** Acknowledged sends, or -1 for a target without acknowledgements. */
    public long ackedCount() {
        return expectsAcks ? acked.get() : -1;
    }

    /** Distinct records received so far. */
    public long distinctReceived() {
        return distinct.get();
    }

    public boolean sourceDone() {
        return sentFinal != Long.MAX_VALUE;
    }

    public long startNanos() {
        return startNanos;
    }

    public long sourceEndNanos() {
        return sourceEndNanos;
    }

    /** When the last new record arrived; read after {@link #distinctReceived()} for a consistent view. */
    public long lastReceiveNanos() {
        distinct.get();
        return lastReceiveNanos;
    }

    public Throwable error() {
        return error;
    }

    /** The consumer's tally; read it once the phase is over. */
    public Tally tally() {
        return tally;
    }

    /** The latency histogram (nanoseconds); read it once the phase is over. */
    /**
     * The 99th percentile of the latencies recorded so far, for progress lines. Read while the consumer records,
     * so approximate; safe because the histogram's range is fixed (it never resizes).
     */
    public long p99SoFarNanos() {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99.0);
    }

    public Histogram latencyHistogram() {
        return latency;
    }
}
