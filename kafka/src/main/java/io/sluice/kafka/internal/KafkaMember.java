package io.sluice.kafka.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.consumer.StartPosition;
import io.sluice.errors.UnknownTopicException;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import io.sluice.spi.AbstractConsumer;
import io.sluice.spi.AckTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One subscription to a Kafka consumer's deliveries: a member of a Kafka consumer group, a {@link KafkaConsumer} driven
 * by a thread of its own ({@link PollThread}; the consumer is not thread-safe). That thread only polls, commits and
 * follows rebalances: records, rebalance events and commit answers are handed to a delivery worker, so that no user
 * code ever runs on it.
 *
 * <p>Flow control: the member holds at most {@code prefetch} records polled and not yet emitted. When another poll
 * could bring it beyond that ({@code max.poll.records} is half the prefetch), it pauses its partitions and keeps
 * polling, so that a slow subscriber never makes Kafka think the member died (no rebalance from a slow handler), and
 * resumes them once the subscriber has taken enough.
 *
 * <p>Acknowledgements and commits: each owned partition has an {@link AckTracker}; the group's committed offset is
 * the partition's oldest unacknowledged offset (the contiguous acknowledged prefix). Commits happen on request, every
 * {@code commitInterval}, every {@code commitBatchSize} acknowledgements, when a partition is revoked (synchronously,
 * before Kafka hands it to another member) and when the subscription ends. Acknowledgements after a revoke are ignored.
 */
public final class KafkaMember implements org.reactivestreams.Subscription, AbstractConsumer.Membership, ConsumerRebalanceListener {
    private static final Logger log = Loggers.getLogger(KafkaMember.class);
    /** How long a poll waits for records when nothing wakes it: the bound on how late an interval commit is. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaGroupConsumer owner;
    private final ConsumerOptions options;
    private final Map<String, Object> config;
    private final CoreSubscriber<? super Delivery> actual;
    private final Scheduler scheduler;
    private final Scheduler.Worker worker;
    private final KafkaErrors errors;
    private final Counter recordsOut;
    private final Counter bytesOut;
    private final DistributionSummary buffered;
    private final String threadName;
    /** {@code max.poll.records}: a poll brings at most this many, so the member polls only with room for them. */
    private final int pollBatch;

    /** What the poll thread handed over and the delivery worker has not taken: one node per poll, not per record. */
    private final Queue<KafkaDelivery[]> buffer = new ConcurrentLinkedQueue<>();
    /** The delivery worker's: the poll it is taking records from, and the next one to take. */
    private KafkaDelivery[] taking;
    private int takeIndex;
    private final AtomicInteger held = new AtomicInteger();
    private final Map<TopicPartition, AckTracker> trackers = new ConcurrentHashMap<>();
    private final Queue<CommitRequest> commitRequests = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicInteger acksSinceCommit = new AtomicInteger();
    private final Sinks.One<Void> ended = Sinks.one();
    private final Mono<Void> endCommit;

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private volatile boolean cancelled;
    private volatile boolean finished;
    private volatile boolean paused;
    private volatile Throwable failure;
    private volatile Mono<Void> latestCommit = Mono.empty();
    private volatile int generation = -1;
    /** When the subscription began: where {@code StartPosition.latest()} starts. */
    private final long subscribedAtMillis = System.currentTimeMillis();
    private volatile long requested;
    private volatile int wip;
    private boolean terminated;

    // ---- the poll thread's own ----
    private Set<io.sluice.record.TopicPartition> announced = Set.of();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private long lastCommitNanos;
    private boolean leaving;

    /** A commit asked for: each owned partition's position when it was asked, and who hears the answer. */
    private record CommitRequest(Map<TopicPartition, Position> positions, Sinks.One<Void> answer) {
    }

    /** A partition's acknowledged prefix, as its tracker (which a revoke replaces) had it. */
    private record Position(AckTracker tracker, long offset) {
    }

    private static final AtomicLongFieldUpdater<KafkaMember> REQUESTED = AtomicLongFieldUpdater.newUpdater(KafkaMember.class, "requested");
    private static final AtomicIntegerFieldUpdater<KafkaMember> WIP = AtomicIntegerFieldUpdater.newUpdater(KafkaMember.class, "wip");

    KafkaMember(KafkaGroupConsumer owner, ConsumerOptions options, Map<String, Object> config, CoreSubscriber<? super Delivery> actual,
                Scheduler scheduler, KafkaErrors errors, Counter recordsOut, Counter bytesOut, DistributionSummary buffered,
                String threadName) {
        this.owner = owner;
        this.options = options;
        this.pollBatch = pollBatch(options);
        Map<String, Object> c = new HashMap<>(config);
        c.put("max.poll.records", pollBatch);
        this.config = c;
        this.actual = actual;
        this.scheduler = scheduler;
        this.worker = scheduler.createWorker();
        this.errors = errors;
        this.recordsOut = recordsOut;
        this.bytesOut = bytesOut;
        this.buffered = buffered;
        this.threadName = threadName;
        this.endCommit = ended.asMono().publishOn(scheduler).cache();
    }

    /** Half the prefetch (at most Kafka's default 500): the member polls again while it holds up to the other half. */
    static int pollBatch(ConsumerOptions options) {
        return Math.max(1, Math.min(500, options.prefetch() / 2));
    }

    /** Starts the poll thread, which joins the group. */
    void start() {
        new PollThread(this::run, threadName).start();
    }

    // ---- Subscription ----

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            Operators.addCap(REQUESTED, this, n);
            drain();
        }
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            stop(null);
        }
    }

    /** Leaves the group, committing first; the subscriber then hears {@code error} (null: nothing, it cancelled). */
    void stop(Throwable error) {
        if (error != null && failure == null) {
            failure = error;
        }
        stopping = true;
        wake();
    }

    // ---- acknowledgements and commits ----

    /** Marks a delivery acknowledged; ignored once the subscription is ending (its records are delivered again). */
    void acknowledged(KafkaDelivery d) {
        if (stopping) {
            return;
        }
        d.tracker.ack(d.record().offset());
        int every = options.commitBatchSize();
        if (every > 0 && acksSinceCommit.incrementAndGet() >= every) {
            acksSinceCommit.set(0);
            commit().subscribe(null, e -> log.debug("Commit after {} acknowledgements failed: {}", every, e.toString()));
        }
    }

    /**
     * Commits the acknowledged prefix of every owned partition as it is now, through the poll thread; after the
     * subscription ended, answers as the commit made at its end did.
     */
    @Override
    public Mono<Void> commit() {
        return Mono.defer(() -> {
            if (finished) {
                return endCommit;
            }
            Map<TopicPartition, Position> positions = new HashMap<>();
            trackers.forEach((tp, t) -> positions.put(tp, new Position(t, t.position())));
            CommitRequest request = new CommitRequest(positions, Sinks.one());
            commitRequests.offer(request);
            Mono<Void> answered = request.answer().asMono().publishOn(scheduler).cache();
            latestCommit = answered;
            if (finished && commitRequests.remove(request)) { // the thread ended before it took the request
                return endCommit;
            }
            wake();
            return answered;
        });
    }

    /** Completes when the latest commit started is answered (or the end's, once ended), whatever it answered. */
    Mono<Void> settled() {
        return (stopping || finished ? endCommit : latestCommit).onErrorResume(e -> Mono.empty());
    }

    /** The generation the member last joined; -1 before its first. */
    int generation() {
        return generation;
    }

    String group() {
        return options.group();
    }

    /** What the subscription's end committed: completes once its answer came. */
    Mono<Void> ended() {
        return endCommit;
    }

    private void wake() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null && wakePending.compareAndSet(false, true)) {
            c.wakeup();
        }
    }

    // ---- the poll thread ----

    private void run() {
        Throwable error = null;
        try {
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            requireTopics();
            consumer.subscribe(options.topics(), this);
            lastCommitNanos = System.nanoTime();
            while (!stopping) {
                wakePending.set(false);
                commitRequested();
                commitOnInterval();
                flowControl();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException woken) {
                    continue;
                }
                if (!records.isEmpty()) {
                    take(records);
                    drain();
                }
            }
        } catch (Throwable t) {
            error = t;
        } finally {
            leave(error);
        }
    }

    /** A topic that does not exist fails the subscription, naming it (Kafka would wait for it silently). */
    private void requireTopics() {
        Set<String> existing = uninterrupted(() -> consumer.listTopics(Duration.ofSeconds(30))).keySet();
        for (String t : options.topics()) {
            if (!existing.contains(t)) {
                throw UnknownTopicException.withCreateHint(t, errors.where());
            }
        }
    }

    /** Hands the polled records to the delivery side; the meters count them once per poll, not once per record. */
    private void take(ConsumerRecords<byte[], byte[]> records) {
        KafkaDelivery[] polled = new KafkaDelivery[records.count()];
        int taken = 0;
        long bytes = 0;
        for (TopicPartition tp : records.partitions()) {
            AckTracker tracker = trackers.get(tp);
            if (tracker == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                tracker.read(r.offset());
                Record record = Record.of(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers(r));
                polled[taken++] = new KafkaDelivery(this, tp, tracker, record);
                bytes += record.sizeInBytes();
            }
        }
        if (taken == 0) {
            return;
        }
        held.addAndGet(taken); // before they can be taken, so that what is held never reads below zero
        buffer.offer(taken == polled.length ? polled : Arrays.copyOf(polled, taken));
        recordsOut.increment(taken);
        bytesOut.increment(bytes);
        buffered.record(held.get());
    }

    private static Headers headers(ConsumerRecord<byte[], byte[]> r) {
        org.apache.kafka.common.header.Header[] kafka = r.headers().toArray();
        if (kafka.length == 0) {
            return Headers.empty();
        }
        List<Header> list = new ArrayList<>(kafka.length);
        for (org.apache.kafka.common.header.Header h : kafka) {
            list.add(new Header(h.key(), h.value() == null ? new byte[0] : h.value()));
        }
        return Headers.of(list);
    }

    /** Pauses the owned partitions when a poll could bring the member beyond its prefetch; resumes them when not. */
    private void flowControl() {
        boolean full = held.get() + pollBatch > options.prefetch();
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!full && paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    private void commitOnInterval() {
        Duration interval = options.commitInterval();
        if (!interval.isZero() && System.nanoTime() - lastCommitNanos >= interval.toNanos()) {
            Sinks.One<Void> answer = Sinks.one();
            latestCommit = answer.asMono().cache();
            commitAsync(moved(), List.of(answer));
        }
    }

    /** Commits what the requests since the last look asked for: per partition the furthest, if still owned. */
    private void commitRequested() {
        List<Sinks.One<Void>> answers = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        CommitRequest r;
        while ((r = commitRequests.poll()) != null) {
            answers.add(r.answer());
            r.positions().forEach((tp, p) -> {
                Long last = committed.get(tp);
                OffsetAndMetadata asked = offsets.get(tp);
                if (trackers.get(tp) == p.tracker() && (last == null || p.offset() > last)
                        && (asked == null || p.offset() > asked.offset())) {
                    offsets.put(tp, new OffsetAndMetadata(p.offset()));
                }
            });
        }
        if (!answers.isEmpty()) {
            commitAsync(offsets, answers);
        }
    }

    /** Commits {@code offsets}; {@code answers} hear how it went. */
    private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, List<Sinks.One<Void>> answers) {
        lastCommitNanos = System.nanoTime();
        if (offsets.isEmpty()) {
            answers.forEach(Sinks.One::tryEmitEmpty);
            return;
        }
        consumer.commitAsync(offsets, (done, e) -> {
            if (e == null) {
                done.forEach((tp, o) -> committed.put(tp, o.offset()));
                answers.forEach(Sinks.One::tryEmitEmpty);
            } else {
                RuntimeException mapped = errors.map(e, null, "committing group '" + options.group() + "'");
                answers.forEach(x -> x.tryEmitError(mapped));
            }
        });
    }

    /** Each owned partition whose acknowledged prefix moved since its last commit, at that prefix's end. */
    private Map<TopicPartition, OffsetAndMetadata> moved() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        trackers.forEach((tp, t) -> {
            long position = t.position();
            Long last = committed.get(tp);
            if (last == null || last != position) {
                offsets.put(tp, new OffsetAndMetadata(position));
            }
        });
        return offsets;
    }

    // ---- rebalances: called by the consumer inside poll, on the poll thread ----

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            AckTracker t = trackers.remove(tp);
            if (t != null) {
                long position = t.revoke();
                Long last = committed.remove(tp);
                if (last == null || last != position) {
                    offsets.put(tp, new OffsetAndMetadata(position));
                }
            }
        }
        if (!offsets.isEmpty() && !leaving) {
            try {
                uninterrupted(() -> {
                    consumer.commitSync(offsets);
                    return null;
                });
            } catch (RuntimeException e) { // their records are delivered again to the next owner
                log.warn("Group '{}' could not commit {} before they were revoked: {}", options.group(), offsets, e.toString());
            }
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            AckTracker t = trackers.remove(tp);
            if (t != null) {
                t.revoke();
            }
            committed.remove(tp);
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        startWhereAsked(partitions);
        for (TopicPartition tp : partitions) {
            long position = uninterrupted(() -> consumer.position(tp));
            trackers.put(tp, new AckTracker(position));
        }
        if (paused && !partitions.isEmpty()) {
            consumer.pause(partitions);
        }
        Set<io.sluice.record.TopicPartition> now = new HashSet<>();
        for (TopicPartition tp : trackers.keySet()) {
            now.add(new io.sluice.record.TopicPartition(tp.topic(), tp.partition()));
        }
        Set<io.sluice.record.TopicPartition> added = new HashSet<>(now);
        added.removeAll(announced);
        Set<io.sluice.record.TopicPartition> revoked = new HashSet<>(announced);
        revoked.removeAll(now);
        announced = Set.copyOf(now);
        generation = consumer.groupMetadata().generationId();
        RebalanceEvent event = new RebalanceEvent(options.group(), generation,
                consumer.groupMetadata().memberId(), Set.copyOf(now), Set.copyOf(added), Set.copyOf(revoked));
        handOff(() -> owner.announce(event));
    }

    /**
     * Partitions without a committed offset start where {@code ConsumerOptions.startPosition} says: earliest is Kafka's
     * {@code auto.offset.reset}; an offset (clamped into what is retained) and a timestamp are sought here; latest is
     * the first record stamped at or after the moment the subscription began. Kafka's own "latest" would be the end
     * when the group's join completes, which is later than the subscription (a join is asynchronous and takes a
     * rebalance): records sent in between would be skipped.
     */
    private void startWhereAsked(Collection<TopicPartition> partitions) {
        StartPosition start = options.startPosition().kind() == StartPosition.Kind.LATEST
                ? StartPosition.timestamp(java.time.Instant.ofEpochMilli(subscribedAtMillis)) : options.startPosition();
        if (partitions.isEmpty() || start.kind() == StartPosition.Kind.EARLIEST) {
            return;
        }
        Set<TopicPartition> fresh = new HashSet<>();
        Map<TopicPartition, OffsetAndMetadata> positions = uninterrupted(() -> consumer.committed(new HashSet<>(partitions)));
        for (TopicPartition tp : partitions) {
            if (positions.get(tp) == null) {
                fresh.add(tp);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        if (start.kind() == StartPosition.Kind.OFFSET) {
            Map<TopicPartition, Long> first = uninterrupted(() -> consumer.beginningOffsets(fresh));
            Map<TopicPartition, Long> end = uninterrupted(() -> consumer.endOffsets(fresh));
            for (TopicPartition tp : fresh) {
                consumer.seek(tp, Math.max(first.get(tp), Math.min(end.get(tp), start.value())));
            }
        } else {
            Map<TopicPartition, Long> times = new HashMap<>();
            fresh.forEach(tp -> times.put(tp, start.value()));
            Map<TopicPartition, OffsetAndTimestamp> found = uninterrupted(() -> consumer.offsetsForTimes(times));
            Map<TopicPartition, Long> end = uninterrupted(() -> consumer.endOffsets(fresh));
            for (TopicPartition tp : fresh) {
                OffsetAndTimestamp o = found.get(tp);
                consumer.seek(tp, o != null ? o.offset() : end.get(tp));
            }
        }
    }

    /** Leaves the group: commits what was acknowledged, closes the consumer, then tells the subscriber. */
    private void leave(Throwable error) {
        leaving = true;
        Throwable endError = null;
        KafkaConsumer<byte[], byte[]> c = consumer;
        List<Sinks.One<Void>> pending = new ArrayList<>();
        if (c != null) {
            commitRequested(); // asked before the end: committed (or not) with it
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets = moved();
                trackers.values().forEach(AckTracker::revoke);
                if (!offsets.isEmpty()) {
                    uninterrupted(() -> {
                        c.commitSync(offsets);
                        return null;
                    });
                }
            } catch (RuntimeException e) {
                endError = errors.map(e, null, "committing group '" + options.group() + "' as its member left");
                log.warn("Group '{}': the leaving member could not commit what it acknowledged (delivered again): {}",
                        options.group(), e.toString());
            }
            try {
                c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                log.debug("Closing the consumer of group '{}' failed: {}", options.group(), e.toString());
            }
        }
        trackers.clear();
        finished = true;
        CommitRequest a;
        while ((a = commitRequests.poll()) != null) {
            pending.add(a.answer());
        }
        if (endError == null) {
            ended.tryEmitEmpty();
            pending.forEach(Sinks.One::tryEmitEmpty);
        } else {
            ended.tryEmitError(endError);
            Throwable e = endError;
            pending.forEach(x -> x.tryEmitError(e));
        }
        if (error != null && failure == null) {
            failure = errors.map(error, null, "consuming for group '" + options.group() + "'");
        }
        owner.left(this);
        drain();
    }

    /** Runs {@code call} again when a {@code wakeup()} meant for the poll interrupted it. */
    private static <T> T uninterrupted(Supplier<T> call) {
        for (;;) {
            try {
                return call.get();
            } catch (WakeupException woken) {
                // a wake-up for the next poll: this call must finish
            }
        }
    }

    // ---- the delivery worker ----

    private void handOff(Runnable task) {
        try {
            worker.schedule(task);
        } catch (RuntimeException rejected) {
            task.run();
        }
    }

    private void drain() {
        if (WIP.getAndIncrement(this) == 0) {
            handOff(this::drainLoop);
        }
    }

    private void drainLoop() {
        int missed = 1;
        for (;;) {
            if (terminated) {
                return;
            }
            if (cancelled) {
                discard();
                if (finished) {
                    terminate();
                }
                return;
            }
            long r = requested;
            long e = 0;
            int taken = 0;
            while (e != r) {
                KafkaDelivery d = nextTaken();
                if (d == null) {
                    break;
                }
                taken++;
                if (trackers.get(d.tp) != d.tracker) {
                    continue; // revoked: its new owner reads it again
                }
                actual.onNext(d);
                e++;
            }
            if (taken != 0) {
                held.addAndGet(-taken); // once per turn: the poll thread reads it, and it only ever overstates
            }
            if (e != 0 && r != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -e);
            }
            if (finished) {
                Throwable f = failure;
                discard();
                terminate();
                if (f != null && !AbstractConsumer.closedAfterDownstreamLeft(f, actual)) {
                    actual.onError(f);
                }
                return;
            }
            if (paused && held.get() + pollBatch <= options.prefetch()) {
                wake();
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** The next record handed over, in poll order; on the delivery worker. */
    private KafkaDelivery nextTaken() {
        KafkaDelivery[] from = taking;
        if (from == null || takeIndex == from.length) {
            from = buffer.poll();
            if (from == null) {
                taking = null;
                return null;
            }
            taking = from;
            takeIndex = 0;
        }
        KafkaDelivery d = from[takeIndex];
        from[takeIndex++] = null; // a delivered record is not kept alive by the rest of its poll
        return d;
    }

    private void discard() {
        int dropped = 0;
        while (nextTaken() != null) {
            dropped++;
        }
        held.addAndGet(-dropped);
    }

    private void terminate() {
        terminated = true;
        worker.dispose();
    }

    /**
     * The poll thread: marked non-blocking ({@link reactor.core.scheduler.NonBlocking}), as Reactor's own threads are,
     * so that Reactor refuses {@code block()} there; it only runs the Kafka consumer, never user code.
     */
    static final class PollThread extends Thread implements reactor.core.scheduler.NonBlocking {
        PollThread(Runnable run, String name) {
            super(run, name);
            setDaemon(true);
        }
    }
}
