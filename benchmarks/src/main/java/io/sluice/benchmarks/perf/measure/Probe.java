package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.workload.Keys;
import io.sluice.benchmarks.perf.workload.Workload;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * What one phase of a run measures, written from three sides without locks:
 * <ul>
 * <li>the payload source (producer thread): {@link #started}, {@link #sent}, {@link #sourceCompleted};</li>
 * <li>the target's acknowledgement subscribers, if it has acknowledgements: {@link #acked} (an atomic count,
 *     since each producer has its own), {@link #acksCompleted} once all are done;</li>
 * <li>the target's consumers: {@link #received}, which records the latency in a {@link Histogram} and counts
 *     the {@link Tally} of the consumer's group. Each consumer thread gets a histogram and a tally per group of
 *     its own (found through a {@link ThreadLocal}), so several consumers, or one consumer's concurrent handlers,
 *     record without contending; {@link #tally(int)} and {@link #latencyHistogram()} merge them once the phase
 *     is over.</li>
 * </ul>
 * Each side is a single writer of its counters and publishes them with ordered (release) stores; the runner's
 * thread reads them. Records fall into the order lanes of {@link Keys#lane}: per key, or per partition and
 * producer. With several consumer groups ({@code --groups}) each group must receive every record once. The phase is {@linkplain #isComplete() complete} when the source has finished, every
 * sent record has been received once and (for targets with acknowledgements) every send was acknowledged.
 *
 * <p>The probe also keeps the harness's flow control, the same for every target: at most
 * {@link Workload#inFlightLimit()} records sent and not yet received by the slowest group. The source asks for
 * {@link #inFlightRoom()} and, when there is none, {@linkplain #parkUntilRoom parks}; the receipt that makes room for
 * a little over one in 64 of the limit wakes it.
 *
 * <p>One class of over 400 lines: the source, the acknowledgements, the consumers, the in-flight limit and the
 * throughput timeline all read the same per-thread receivers and counters, whose publication (ordered stores, one
 * writer each) is easier to check in one place than across classes.
 */
public final class Probe {
    private final boolean expectsAcks;
    private final Keys keys;
    private final int lanes;
    private final int groups;
    private final List<Receiver> receivers = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Receiver[]> receiver;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final long inFlightLimit;
    /** The room a parked source waits for: a little over one in 64 of the limit, so that it is not woken per record. */
    private final long resumeRoom;
    private final AtomicReference<Runnable> parked = new AtomicReference<>();
    /** Sent minus received by the slowest group, sampled with the throughput timeline while the source sends. */
    private final List<Long> backlog = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Map<String, String> details = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile long startNanos;
    private volatile long sourceEndNanos;
    private volatile long sentFinal = Long.MAX_VALUE;
    private volatile boolean acksDone;
    private volatile Throwable error;
    /** Set when the runner ends the phase: deliveries after that (a redelivery as the phase is torn down) are not counted. */
    private volatile boolean ended;
    /** The throughput timeline (records/s per interval), where its last two intervals began; guarded by itself. */
    private final List<Long> timeline = new ArrayList<>();
    private long timelineNanos;
    private long timelineReceived;
    private long previousNanos;
    private long previousReceived;
    /** The latency of each interval of the timeline, and every latency recorded up to its last two samples. */
    private final List<Latency> latencyTimeline = new ArrayList<>();
    private Histogram latencySeen = Latency.newHistogram();
    private Histogram previousLatencySeen = latencySeen;

    /**
     * A probe for a phase of {@code workload}.
     *
     * @param expectsAcks whether the target reports acknowledgements ({@link #acked}, {@link #acksCompleted})
     */
    public Probe(Workload workload, boolean expectsAcks) {
        this.keys = Keys.of(workload);
        this.lanes = keys.lanes(workload.partitions());
        this.groups = workload.groups();
        this.receiver = ThreadLocal.withInitial(() -> new Receiver[groups]);
        this.expectsAcks = expectsAcks;
        this.inFlightLimit = workload.inFlightLimit();
        this.resumeRoom = Math.max(1, inFlightLimit / 64);
    }

    /** A probe for keyless records of one producer over {@code partitions} partitions. */
    public Probe(int partitions, boolean expectsAcks) {
        this(Workload.builder().partitions(partitions).build(), expectsAcks);
    }

    /** What one consumer thread has received for one group: written by that thread alone. */
    private static final class Receiver {
        final int group;
        final Tally tally;
        final Histogram latency = Latency.newHistogram();
        final AtomicLong distinct = new AtomicLong();
        /** Written before {@link #distinct} is published. */
        long lastReceiveNanos;

        Receiver(int group, int lanes) {
            this.group = group;
            this.tally = new Tally(lanes);
        }
    }

    private Receiver receiver(int group) {
        Receiver[] mine = receiver.get();
        Receiver r = mine[group];
        if (r == null) {
            r = new Receiver(group, lanes);
            receivers.add(r);
            mine[group] = r;
        }
        return r;
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

    /** The target acknowledged one more send; any thread (several producers each count their own). */
    public void acked() {
        acked.incrementAndGet();
    }

    /** Every send has been acknowledged (the target's send stream completed). */
    public void acksCompleted() {
        acksDone = true;
        checkDone();
    }

    // ---- consumer side ----

    /**
     * One record arrived at {@code nowNanos} ({@link System#nanoTime()} taken on receipt). Any thread may call
     * this; calls from one thread must not overlap (Reactive Streams serializes a subscriber's signals).
     *
     * @param partition     the partition it came from (0 for targets without partitions)
     * @param seq           its sequence number
     * @param intendedNanos when it was meant to be sent
     */
    public void received(int partition, long seq, long intendedNanos, long nowNanos) {
        received(0, partition, seq, intendedNanos, nowNanos);
    }

    /**
     * One record arrived at a consumer of {@code group}, in {@code [0, --groups)}; otherwise as
     * {@link #received(int, long, long, long)}.
     */
    public void received(int group, int partition, long seq, long intendedNanos, long nowNanos) {
        if (ended) {
            return;
        }
        Receiver r = receiver(group);
        Latency.record(r.latency, nowNanos - intendedNanos);
        if (r.tally.record(keys.lane(partition, seq), seq)) {
            r.lastReceiveNanos = nowNanos;
            r.distinct.lazySet(r.distinct.get() + 1);
            if (sentFinal != Long.MAX_VALUE) {
                checkDone();
            }
            Runnable wake = parked.get();
            if (wake != null && inFlightRoom() >= resumeRoom && parked.compareAndSet(wake, null)) {
                wake.run();
            }
        }
    }

    // ---- the in-flight limit ----

    /** The most records that may be sent and not yet received by the slowest group ({@link Workload#inFlightLimit()}). */
    public long inFlightLimit() {
        return inFlightLimit;
    }

    /** Records sent and not yet received by the slowest group. */
    public long inFlight() {
        return sent.get() - slowestGroupReceived();
    }

    /** How many more records the source may send now; zero or less when the limit is reached. */
    public long inFlightRoom() {
        return inFlightLimit - inFlight();
    }

    /**
     * Called by the source when {@link #inFlightRoom()} is gone: {@code wake} runs (on a consumer's thread, so it must
     * only hand work to the source's thread) once receipts have made room. Returns false, without parking, when there
     * is room again by now; true when parked (or when a receipt already ran {@code wake}).
     */
    public boolean parkUntilRoom(Runnable wake) {
        parked.set(wake);
        if (inFlightRoom() > 0 && parked.compareAndSet(wake, null)) {
            return false;
        }
        return true;
    }

    /** Distinct records received by the group that has received fewest. */
    private long slowestGroupReceived() {
        if (groups == 1) {
            return distinctReceived();
        }
        long slowest = Long.MAX_VALUE;
        for (int g = 0; g < groups; g++) {
            long d = 0;
            for (Receiver r : receivers) {
                if (r.group == g) {
                    d += r.distinct.get();
                }
            }
            slowest = Math.min(slowest, d);
        }
        return slowest;
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
        if (s == Long.MAX_VALUE || (expectsAcks && !acksDone)) {
            return false;
        }
        long[] distinct = new long[groups];
        for (Receiver r : receivers) {
            distinct[r.group] += r.distinct.get();
        }
        for (long d : distinct) {
            if (d < s) {
                return false;
            }
        }
        return true;
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

    /**
     * The phase is over (complete, failed or cut short): what arrives from now on is not counted. Stopping a phase
     * cancels its consumers, and a record whose receipt completed the phase may be delivered again to another member of
     * its group before its acknowledgement lands (at least once); that is teardown, not a duplicate of the measured
     * phase.
     */
    public void end() {
        ended = true;
    }

    /** Starts the throughput timeline at {@code nanos}: the first {@link #sample} covers the time since. */
    public void timelineStart(long nanos) {
        synchronized (timeline) {
            timeline.clear();
            backlog.clear();
            timelineNanos = nanos;
            timelineReceived = distinctReceived();
            latencyTimeline.clear();
            latencySeen = latencySnapshot();
            previousLatencySeen = latencySeen;
        }
    }

    /**
     * Adds one interval to the throughput timeline: the distinct records received since the previous sample divided
     * by the time since then. The first interval begins at the first send (as {@link RunResult}'s throughput does),
     * or at {@link #timelineStart} when nothing had been sent by then. The runner samples once a second.
     */
    public void sample(long nanos) {
        long received = distinctReceived();
        synchronized (timeline) {
            if (!sourceDone() && startNanos != 0) {
                backlog.add(inFlight());
            }
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
                Histogram seen = latencySnapshot();
                latencyTimeline.add(Latency.of(since(seen, latencySeen)));
                previousLatencySeen = latencySeen;
                latencySeen = seen;
            }
        }
    }

    /**
     * Closes the timeline at the end of the phase with the records received since the last sample, up to the last
     * receipt. A remainder shorter than half a second is merged into the previous interval, so that a sliver of a
     * few milliseconds does not show as a spike or a dip; nothing is added when nothing new arrived.
     */
    public void sampleLast() {
        long received = distinctReceived();
        long last = lastReceiveNanos();
        synchronized (timeline) {
            if (received <= timelineReceived || last - timelineNanos <= 0) {
                return;
            }
            if (!timeline.isEmpty() && last - timelineNanos < 500_000_000L) {
                timeline.remove(timeline.size() - 1);
                latencyTimeline.remove(latencyTimeline.size() - 1);
                timelineNanos = previousNanos;
                timelineReceived = previousReceived;
                latencySeen = previousLatencySeen;
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

    /**
     * The latency of the records received in each interval of the {@linkplain #throughputTimeline throughput timeline},
     * one entry per entry there: how latency moved through the phase (under a {@linkplain Workload#profile() load
     * profile}, as the rate changed). Read while the consumers record, so each second's percentiles are approximate
     * at their edges, as {@link #p99SoFarNanos()} is.
     */
    public List<Latency> latencyTimeline() {
        synchronized (timeline) {
            return List.copyOf(latencyTimeline);
        }
    }

    /** A copy of every latency recorded so far (each consumer thread's histogram only grows). */
    private Histogram latencySnapshot() {
        Histogram copy = Latency.newHistogram();
        for (Receiver r : receivers) {
            copy.add(r.latency);
        }
        return copy;
    }

    /** The latencies in {@code now} that were not yet in {@code before}, an earlier snapshot. */
    private static Histogram since(Histogram now, Histogram before) {
        Histogram delta = now.copy();
        try {
            delta.subtract(before);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException racing) {
            return Latency.newHistogram(); // a count read mid-update: this second shows no percentiles rather than wrong ones
        }
        return delta;
    }

    /**
     * Records sent and not yet received by the slowest group, once a second ({@link #sample}) from the first send
     * until the source finished: a target that keeps up with a fixed rate holds it level.
     */
    public List<Long> backlogTimeline() {
        synchronized (timeline) {
            return List.copyOf(backlog);
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

    /**
     * Distinct records received so far: the sum over the consumer threads and groups, so a record that two threads
     * of a group received counts twice here (the merged {@link #tally(int)} counts it once, and as duplicated).
     */
    public long distinctReceived() {
        long d = 0;
        for (Receiver r : receivers) {
            d += r.distinct.get();
        }
        return d;
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

    /** When the last new record arrived, or 0 before the first. */
    public long lastReceiveNanos() {
        long last = 0;
        boolean any = false;
        for (Receiver r : receivers) {
            if (r.distinct.get() > 0) { // read first: publishes lastReceiveNanos
                last = any ? Math.max(last, r.lastReceiveNanos) : r.lastReceiveNanos;
                any = true;
            }
        }
        return last;
    }

    public Throwable error() {
        return error;
    }

    /** Consumer groups ({@code --groups}). */
    public int groups() {
        return groups;
    }

    /** The tally of {@code group}'s consumers, merged; read it once the phase is over. */
    public Tally tally(int group) {
        Tally merged = new Tally(lanes);
        for (Receiver r : receivers) {
            if (r.group == group) {
                merged.merge(r.tally);
            }
        }
        return merged;
    }

    /**
     * The 99th percentile of the latencies recorded so far, for progress lines. Read while the consumer records,
     * so approximate; safe because the histogram's range is fixed (it never resizes).
     */
    public long p99SoFarNanos() {
        Histogram latency = latencyHistogram();
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99.0);
    }

    /** The latencies (nanoseconds) every consumer thread recorded; read it once the phase is over. */
    public Histogram latencyHistogram() {
        if (receivers.size() == 1) {
            return receivers.get(0).latency;
        }
        Histogram merged = Latency.newHistogram();
        for (Receiver r : receivers) {
            merged.add(r.latency);
        }
        return merged;
    }
}
