package io.sluice.benchmarks.perf;

import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;

/**
 * The producing side of a run, the same for every target: a {@link Flux} of {@link Payload}s
 * ({@code new byte[size]} each, carrying its sequence number from 0 and its intended send time) emitted on one
 * producer thread, driven by the target's demand so that it never runs ahead of backpressure.
 *
 * <ul>
 * <li>Unlimited rate: {@link Flux#generate} emits one record per unit of demand; the intended send time is the
 *     {@link System#nanoTime()} read when the record is built.</li>
 * <li>Fixed rate: record {@code i}'s slot is {@code start + i / rate}. Every {@code tick} (1 ms by default) the
 *     records whose slot has come are emitted, as far as demand allows; records held back by backpressure go
 *     out later but keep their slot as intended send time, so a stall shows in the latency instead of being
 *     hidden (no coordinated omission). The tick adds up to one tick of latency to every record (half a tick
 *     on average), a cost of the pacing that the results include.</li>
 * </ul>
 * The source stops after {@link Workload#count()} records, or at the end of {@link Workload#duration()} (with a
 * rate: after the records whose slots fall within it), and reports to the {@link Probe}.
 */
public final class PayloadSource {
    private final Workload workload;
    private final Probe probe;
    private final Scheduler producer;
    private final Duration tick;
    private final int size;
    private final long limit;
    private long seq;
    private long startNanos;
    private long endNanos;
    private double nanosPerRecord;
    private volatile boolean finished;

    /**
     * @param producer the thread that builds and emits every record (subscription and demand move onto it)
     * @param tick     the pacing period of fixed-rate runs
     */
    public PayloadSource(Workload workload, Probe probe, Scheduler producer, Duration tick) {
        this.workload = workload;
        this.probe = probe;
        this.producer = producer;
        this.tick = tick;
        this.size = workload.recordSize();
        if (workload.countBased()) {
            limit = workload.count();
        } else if (workload.rate() > 0) {
            // the slots within the duration, capped at what the tally can index
            limit = (long) Math.min(Workload.MAX_RECORDS, Math.ceil(workload.duration().toNanos() / 1e9 * workload.rate()));
        } else {
            limit = Workload.MAX_RECORDS;
        }
    }

    /** The payloads; subscribe once. */
    public Flux<byte[]> flux() {
        Flux<byte[]> f;
        if (workload.rate() == 0) {
            f = Flux.generate(this::nextUnlimited);
        } else {
            nanosPerRecord = 1e9 / workload.rate();
            f = Flux.interval(Duration.ZERO, tick, producer)
                    .onBackpressureDrop()
                    .takeWhile(t -> !finished)
                    .concatMap(t -> Flux.generate(this::nextDue), 1);
        }
        return f.subscribeOn(producer);
    }

    private void nextUnlimited(SynchronousSink<byte[]> sink) {
        long now = System.nanoTime();
        long s = seq;
        if (s == 0) {
            begin(now);
        }
        if (s >= limit || (!workload.countBased() && now - endNanos >= 0)) {
            finish(sink, now);
            return;
        }
        byte[] value = Payload.create(size, s, now);
        seq = s + 1;
        probe.sent(s + 1);
        sink.next(value);
    }

    private void nextDue(SynchronousSink<byte[]> sink) {
        if (finished) {
            sink.complete();
            return;
        }
        long now = System.nanoTime();
        long s = seq;
        if (s == 0 && startNanos == 0) {
            begin(now);
        }
        if (s >= limit) {
            finish(sink, now);
            return;
        }
        long slot = startNanos + (long) (s * nanosPerRecord);
        if (slot - now > 0) {
            sink.complete(); // nothing more due: wait for the next tick
            return;
        }
        byte[] value = Payload.create(size, s, slot);
        seq = s + 1;
        probe.sent(s + 1);
        sink.next(value);
    }

    private void begin(long now) {
        startNanos = now;
        endNanos = now + workload.duration().toNanos();
        probe.started(now);
    }

    private void finish(SynchronousSink<byte[]> sink, long now) {
        finished = true;
        probe.sourceCompleted(seq, now);
        sink.complete();
    }
}
