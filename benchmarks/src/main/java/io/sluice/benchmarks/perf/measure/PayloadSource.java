package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.workload.LoadProfile;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;

/**
 * The producing side of a run, the same for every target: a {@link Flux} of {@link Payload}s
 * ({@code new byte[size]} each, carrying its sequence number from 0 and its intended send time) emitted on one
 * producer thread, driven by the target's demand so that it never runs ahead of backpressure.
 *
 * <ul>
 * <li>Unlimited rate: one record per unit of demand, built and emitted on the producer thread; the intended send
 *     time is the {@link System#nanoTime()} read when the record is built.</li>
 * <li>Fixed rate: record {@code i}'s slot is {@code start + i / rate}. Every {@code tick} (1 ms by default) the
 *     records whose slot has come are emitted, as far as demand allows; records held back by backpressure go
 *     out later but keep their slot as intended send time, so a stall shows in the latency instead of being
 *     hidden (no coordinated omission). The tick adds up to one tick of latency to every record (half a tick
 *     on average), a cost of the pacing that the results include.</li>
 * </ul>
 * Either way the source also keeps to the {@linkplain Workload#inFlightLimit() in-flight limit}, the same for every
 * target: it sends only while fewer than that many records are sent but not received ({@link Probe#inFlightRoom()}).
 * At an unlimited rate a full window parks the source until the consumers have taken a little under one in 64 of it
 * ({@link Probe#parkUntilRoom}); at a fixed rate the records held back wait for the next tick and keep their slots.
 * The source stops after {@link Workload#count()} records, or at the end of {@link Workload#duration()} (with a
 * rate: after the records whose slots fall within it), and reports to the {@link Probe}. With a
 * {@linkplain Workload#profile() load profile} the slots are the profile's ({@link LoadProfile#dueNanos}), paced the
 * same way.
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
    /** Records the in-flight limit allowed at the last look; the room only grows until they are sent. */
    private long credit;
    private volatile boolean finished;
    /** {@link #stopEarly()} was called: the source ends at its next look, as if its duration were over. */
    private volatile boolean stopRequested;

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
        } else if (workload.profile() != null) {
            limit = Math.min(Workload.MAX_RECORDS, workload.profile().records());
        } else if (workload.rate() > 0) {
            // the slots within the duration, capped at what the tally can index
            limit = (long) Math.min(Workload.MAX_RECORDS, Math.ceil(workload.duration().toNanos() / 1e9 * workload.rate()));
        } else {
            limit = Workload.MAX_RECORDS;
        }
    }

    /**
     * Ends the source before its duration is over (a warm-up whose rate has settled): it sends nothing more and
     * reports its end to the probe as at the end of its duration, so what it sent drains as usual.
     */
    public void stopEarly() {
        stopRequested = true;
    }

    /** The payloads; subscribe once. */
    public Flux<byte[]> flux() {
        Flux<byte[]> f;
        if (workload.rate() == 0) {
            return Flux.from(subscriber -> {
                Unlimited emitter = new Unlimited(subscriber);
                subscriber.onSubscribe(emitter);
            });
        } else {
            nanosPerRecord = 1e9 / workload.rate();
            f = Flux.interval(Duration.ZERO, tick, producer)
                    .onBackpressureDrop()
                    .takeWhile(t -> !finished)
                    .concatMap(t -> Flux.generate(this::nextDue), 1);
        }
        return f.subscribeOn(producer);
    }

    /**
     * The unlimited-rate source: emits on the producer thread as far as demand and the in-flight limit allow. A request
     * or a wake-up from the consumers' side schedules a drain there; drains never overlap (a work-in-progress count).
     */
    private final class Unlimited implements Subscription, Runnable {
        private final Subscriber<? super byte[]> actual;
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;
        private boolean done;
        private boolean endScheduled;

        Unlimited(Subscriber<? super byte[]> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                requested.getAndUpdate(r -> Operators.addCap(r, n));
                schedule();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        private void schedule() {
            if (wip.getAndIncrement() == 0) {
                producer.schedule(this);
            }
        }

        @Override
        public void run() {
            int missed = 1;
            do {
                drain();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void drain() {
            long wanted = requested.get();
            long emitted = 0;
            while (emitted != wanted && !done && !cancelled) {
                long now = System.nanoTime();
                long s = seq;
                if (s == 0) {
                    begin(now);
                }
                if (s >= limit || stopRequested || (!workload.countBased() && now - endNanos >= 0)) {
                    done = true;
                    markFinished(now);
                    actual.onComplete();
                    return;
                }
                if (!hasCredit()) {
                    if (probe.parkUntilRoom(this::schedule)) {
                        wakeAtEnd(now);
                        break; // a receipt (or the end of the duration) schedules the next drain
                    }
                    continue;
                }
                byte[] value = Payload.create(size, s, now);
                seq = s + 1;
                credit--;
                probe.sent(s + 1);
                actual.onNext(value);
                emitted++;
            }
            if (emitted != 0 && wanted != Long.MAX_VALUE) {
                requested.addAndGet(-emitted);
            }
        }

        /** A timed run that parks ends on time even if nothing arrives: a drain is scheduled for its end. */
        private void wakeAtEnd(long now) {
            if (!workload.countBased() && !endScheduled) {
                endScheduled = true;
                producer.schedule(this::schedule, Math.max(0, endNanos - now), TimeUnit.NANOSECONDS);
            }
        }
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
        if (s >= limit || stopRequested) {
            finish(sink, now);
            return;
        }
        LoadProfile profile = workload.profile();
        long slot = startNanos + (profile != null ? profile.dueNanos(s) : (long) (s * nanosPerRecord));
        if (slot - now > 0) {
            sink.complete(); // nothing more due: wait for the next tick
            return;
        }
        if (!hasCredit()) {
            sink.complete(); // the in-flight limit is reached: the record keeps its slot and waits for the next tick
            return;
        }
        byte[] value = Payload.create(size, s, slot);
        credit--;
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
        markFinished(now);
        sink.complete();
    }

    /** The last record has been sent: tells the probe how many, and stops the pacer. */
    private void markFinished(long now) {
        finished = true;
        probe.sourceCompleted(seq, now);
    }

    /**
     * True when the in-flight limit lets one more record go: the credit of the last look, else a fresh look at the
     * probe's room (which only grows while the credit is spent, so the probe is asked once per credit, not per record).
     */
    private boolean hasCredit() {
        if (credit <= 0) {
            credit = probe.inFlightRoom();
        }
        return credit > 0;
    }
}
