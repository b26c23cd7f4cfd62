package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.metrics.SluiceMeters;
import io.sluice.record.Record;
import io.sluice.record.TopicPartition;
import io.sluice.spi.AbstractConsumer;
import io.sluice.spi.SenderHandOff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * One subscription to a consumer's deliveries: a member of its group. A delivery loop reads the member's
 * partitions in turn, keeps at most {@code prefetch} records read ahead of demand, and emits only what was
 * requested. Appends, demand, acknowledgements and rebalances wake the loop; nothing polls. The loop runs on
 * one of the engine's non-blocking delivery threads, or, when a producer's sender thread appends to an idle
 * member's partition, on that sender thread right after it lets go of the producer: one thread hand-off from
 * producer to consumer instead of two, which halved p99 latency at 100,000 records/s (benchmarks/RESULTS.md).
 */
final class Member implements org.reactivestreams.Subscription, Runnable, AbstractConsumer.Membership {
    private static final Fetch[] NO_FETCHES = new Fetch[0];
    private static final int MAX_PER_PASS = 4096;
    private static final int ROTATE_EVERY = 256;
    /** The e2e latency timer samples one record in 16 (by offset): a percentile timer costs ~200 ns a record. */
    static final long E2E_SAMPLE_MASK = 15;

    final String id;
    final ConsumerOptions options;
    private final GroupState group;
    private final DefaultConsumer consumer;
    private final Engine engine;
    private final CoreSubscriber<? super DeliveryImpl> actual;
    private final Scheduler.Worker worker;
    private final ArrayDeque<DeliveryImpl> buffer = new ArrayDeque<>();
    final Runnable wakeUp = this::dataArrived;
    private final Map<String, TopicMeters> meters = new HashMap<>();

    private volatile Fetch[] fetches = NO_FETCHES;
    private volatile long requested;
    private volatile int wip;
    private volatile int acksSinceCommit;
    private volatile boolean cancelled;
    private volatile Throwable failure;
    private Set<TopicPartition> revokedInGeneration = new HashSet<>();
    /** What this member had acknowledged in each partition when it left the group; null while it is a member. */
    private volatile Map<TopicPartition, Long> leftAt;
    private volatile Disposable autoCommit;
    private int rr;
    private int sinceRotate;

    private static final AtomicLongFieldUpdater<Member> REQUESTED = AtomicLongFieldUpdater.newUpdater(Member.class, "requested");
    private static final AtomicIntegerFieldUpdater<Member> WIP = AtomicIntegerFieldUpdater.newUpdater(Member.class, "wip");
    private static final AtomicIntegerFieldUpdater<Member> ACKS = AtomicIntegerFieldUpdater.newUpdater(Member.class, "acksSinceCommit");

    /** A member's meters for one topic, held by each {@link Fetch} of that topic. */
    record TopicMeters(Counter records, Counter bytes, Timer e2e) {
    }

    Member(String id, ConsumerOptions options, GroupState group, DefaultConsumer consumer, Engine engine,
           CoreSubscriber<? super DeliveryImpl> actual) {
        this.id = id;
        this.options = options;
        this.group = group;
        this.consumer = consumer;
        this.engine = engine;
        this.actual = actual;
        this.worker = engine.deliveryScheduler.createWorker();
        for (String t : options.topics()) {
            meters.put(t, new TopicMeters(
                    engine.metrics.counter(SluiceMeters.RECORDS_OUT, SluiceMeters.TAG_TOPIC, t, SluiceMeters.TAG_GROUP, group.id),
                    engine.metrics.counter(SluiceMeters.BYTES_OUT, SluiceMeters.TAG_TOPIC, t, SluiceMeters.TAG_GROUP, group.id),
                    engine.metrics.e2eLatency(t, group.id)));
        }
    }

    /** Joins the group; called once, after {@code onSubscribe}. */
    void start() {
        Duration interval = options.commitInterval();
        if (!interval.isZero()) {
            scheduleAutoCommit(interval.toNanos());
        }
        group.join(this);
    }

    // ---- Subscription ----

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            Operators.addCap(REQUESTED, this, n);
            dataArrived(); // a node's event loop granting a client's credits runs the loop itself, as after an append
        }
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            leave();
            signal();
        }
    }

    /** Ends the subscription with an error (engine closed, group join refused). */
    void fail(Throwable error) {
        failure = error;
        signal();
    }

    /**
     * Commits every {@code nanos}, each time scheduling the next: a one-shot task's dispose is a short lock that
     * Reactor's BlockHound integration allows on non-blocking threads, where a periodic task's is not (a member may
     * leave on a Netty event loop).
     */
    private void scheduleAutoCommit(long nanos) {
        try {
            autoCommit = worker.schedule(() -> {
                if (!cancelled) {
                    commit().subscribe(null, e -> { });
                    scheduleAutoCommit(nanos);
                }
            }, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the member left and its worker is gone
        }
    }

    private void leave() {
        try {
            Disposable a = autoCommit;
            if (a != null) {
                a.dispose();
            }
        } finally {
            group.leave(this);
            consumer.memberLeft(this);
        }
    }

    // ---- the delivery loop ----

    /**
     * Records were appended to one of this member's partitions, or demand arrived. When that ran on a thread that
     * hands off ({@link SenderHandOff}: a producer's sender thread, a node's event loop), that thread runs the loop
     * itself once it is done, instead of waking a delivery thread.
     */
    private void dataArrived() {
        if (WIP.getAndIncrement(this) == 0 && !SenderHandOff.defer(this::runOnSender)) {
            schedule();
        }
    }

    /** The loop, on a sender thread that took it in {@link #dataArrived}. */
    private void runOnSender() {
        try {
            run();
        } catch (RuntimeException | Error e) { // a subscriber broke the rules; the other members still get theirs
            Operators.onErrorDropped(e, actual.currentContext());
        }
    }

    void signal() {
        if (WIP.getAndIncrement(this) == 0) {
            schedule();
        }
    }

    /** Runs the loop on the member's worker; the caller took the loop (work-in-progress from 0). */
    private void schedule() {
        try {
            worker.schedule(this);
        } catch (RuntimeException rejected) {
            // the engine is closing: run the last pass here so that the subscriber hears of it
            run();
        }
    }

    @Override
    public void run() {
        int missed = 1;
        for (;;) {
            if (cancelled) {
                buffer.clear();
                worker.dispose();
                return;
            }
            Throwable f = failure;
            if (f != null) {
                cancelled = true;
                buffer.clear();
                leave();
                if (!AbstractConsumer.closedAfterDownstreamLeft(f, actual)) {
                    actual.onError(f);
                }
                worker.dispose();
                return;
            }
            Fetch[] fs = fetches;
            long r = requested;
            long e = 0;
            while (e != r && e < MAX_PER_PASS) {
                if (cancelled) {
                    break;
                }
                DeliveryImpl d = buffer.poll();
                if (d == null) {
                    d = read(fs);
                    if (d == null) {
                        break;
                    }
                }
                if (d.fetch.isRevoked()) {
                    continue;
                }
                actual.onNext(d);
                e++;
            }
            if (e != 0 && r != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -e);
            }
            while (buffer.size() < options.prefetch() && !cancelled) {
                DeliveryImpl d = read(fs);
                if (d == null) {
                    break;
                }
                buffer.add(d);
            }
            countReads(fs);
            if (e == MAX_PER_PASS) {
                // let other members of this delivery thread run; wip > 0 keeps this loop scheduled
                worker.schedule(this);
                return;
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** Adds what this pass read to the out meters: once per pass, not per record. */
    private static void countReads(Fetch[] fs) {
        for (Fetch f : fs) {
            if (f.readRecords != 0) {
                f.meters.records().increment(f.readRecords);
                f.meters.bytes().increment(f.readBytes);
                f.readRecords = 0;
                f.readBytes = 0;
            }
        }
    }

    /** Reads the next record from this member's partitions, taking turns; null when all are caught up. */
    private DeliveryImpl read(Fetch[] fs) {
        int n = fs.length;
        for (int i = 0; i < n; i++) {
            if (rr >= n) {
                rr = 0;
            }
            Fetch f = fs[rr];
            if (f.isReadable()) {
                Record record = f.nextRecord();
                if (record != null) {
                    if (++sinceRotate >= ROTATE_EVERY) {
                        sinceRotate = 0;
                        rr++;
                    }
                    f.tracker.read(record.offset());
                    f.readRecords++;
                    f.readBytes += record.sizeInBytes();
                    return new DeliveryImpl(this, f, record);
                }
            }
            sinceRotate = 0;
            rr++;
        }
        return null;
    }

    // ---- acknowledgements and commits ----

    void acknowledged(DeliveryImpl d) {
        Fetch f = d.fetch;
        long position = f.tracker.ack(d.record().offset());
        long offset = d.record().offset();
        if ((offset & E2E_SAMPLE_MASK) == 0) {
            f.meters.e2e().record(Math.max(0, engine.clockMillis() - d.record().timestamp()), TimeUnit.MILLISECONDS);
        }
        if (position >= 0 && f.cursor.advance(position)) {
            f.partition.positionAdvanced();
        }
        int every = options.commitBatchSize();
        if (every > 0 && ACKS.incrementAndGet(this) >= every) {
            ACKS.set(this, 0);
            commit().subscribe(null, e -> { });
        }
    }

    /**
     * Commits the acknowledged position of every partition this member owns; once it has left, what it had
     * acknowledged when it left (committed then; this completes once that is stored, writing it again if it failed).
     */
    @Override
    public Mono<Void> commit() {
        Map<TopicPartition, Long> left = leftAt;
        if (left != null) {
            return group.commit(left);
        }
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (Fetch f : fetches) {
            if (!f.isRevoked()) {
                positions.put(f.partition.tp, f.tracker.position());
            }
        }
        return positions.isEmpty() ? Mono.empty() : group.commit(positions);
    }

    // ---- rebalances (called under the group's lock) ----

    /** The group let this member go; {@code positions} are what it had acknowledged then. */
    void left(Map<TopicPartition, Long> positions) {
        leftAt = Map.copyOf(positions);
    }

    /**
     * Takes this generation's partitions: in the revoke phase, gives up the ones not in {@code mine} and returns
     * their acknowledged positions, for the group to commit; in the assign phase, starts reading the new ones (each
     * once its committed position is stored: {@link GroupState#stored}) and announces the event.
     */
    Map<TopicPartition, Long> reassign(Set<TopicPartition> mine, int generation, boolean revokePhase) {
        Fetch[] current = fetches;
        if (revokePhase) {
            List<Fetch> kept = new ArrayList<>();
            Set<TopicPartition> revoked = new HashSet<>();
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (Fetch f : current) {
                if (mine.contains(f.partition.tp)) {
                    kept.add(f);
                    continue;
                }
                long pos = f.tracker.revoke();
                f.revoke();
                f.partition.removeListener(wakeUp);
                positions.put(f.partition.tp, pos);
                revoked.add(f.partition.tp);
                if (f.cursor.advance(pos)) {
                    f.partition.positionAdvanced();
                }
            }
            fetches = kept.toArray(NO_FETCHES);
            revokedInGeneration = revoked;
            if (mine.isEmpty() && !revoked.isEmpty()) {
                consumer.announce(new RebalanceEvent(group.id, generation, id, Set.of(), Set.of(), Set.copyOf(revoked)));
                revokedInGeneration = new HashSet<>();
            }
            return positions;
        }
        Set<TopicPartition> have = new HashSet<>();
        for (Fetch f : current) {
            have.add(f.partition.tp);
        }
        List<Fetch> next = new ArrayList<>(List.of(current));
        Set<TopicPartition> added = new HashSet<>();
        for (TopicPartition tp : mine) {
            if (have.contains(tp)) {
                continue;
            }
            PartitionState p = engine.topicOrNull(tp.topic()).partition(tp.partition());
            boolean[] seek = new boolean[1];
            long start = group.startOffset(p, options.startPosition(), seek);
            Mono<Void> stored = group.stored(tp);
            Fetch f = new Fetch(p, group.cursor(p, start), start, wakeUp, meters.get(tp.topic()), stored == null);
            if (seek[0]) {
                f.seekTimestamp(options.startPosition().value());
            }
            p.addListener(wakeUp);
            next.add(f);
            added.add(tp);
            if (stored != null) {
                // its previous owner's position is stored first, so that it is not lost behind ours
                stored.subscribe(null, e -> readFrom(f), () -> readFrom(f));
            }
        }
        next.sort((a, b) -> a.partition.tp.compareTo(b.partition.tp));
        fetches = next.toArray(NO_FETCHES);
        consumer.announce(new RebalanceEvent(group.id, generation, id, Set.copyOf(mine), Set.copyOf(added), Set.copyOf(revokedInGeneration)));
        revokedInGeneration = new HashSet<>();
        signal();
        return Map.of();
    }

    /** The handed-over partition of {@code f} may be read now. */
    private void readFrom(Fetch f) {
        if (f.open()) {
            signal();
        }
    }
}
