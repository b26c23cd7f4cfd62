package io.sluice.internal;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.Admin;
import io.sluice.admin.TopicSpec;
import io.sluice.check.Check;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.ClosedException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetRange;
import io.sluice.log.OffsetStore;
import io.sluice.log.RecordBatch;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.TopicPartition;
import io.sluice.spi.AbstractConsumer;
import io.sluice.spi.Producers;
import io.sluice.spi.SendTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * The embedded engine behind {@link Sluice#embedded()}: topics of partition logs in memory, consumer
 * groups, and the producers and members using them. Public only so that {@code Sluice.embedded} can
 * reach it; not API.
 */
public final class Engine implements Sluice, SendTarget {
    private static final Logger log = Loggers.getLogger(Engine.class);

    final EngineMetrics metrics;
    final LogStore store;
    final OffsetStore offsetStore;
    final Scheduler deliveryScheduler;
    /** Closes producers' open batches when linger is 0 (see {@code SendOperator.closeBatches}). */
    final Scheduler senderScheduler;
    private final EngineOptions options;
    private final Clock clock;
    private final Timer storeAppendLatency;
    private final DistributionSummary storeBatchRecords;
    final Map<String, TopicState> topics = new ConcurrentHashMap<>();
    final Map<String, GroupState> groups = new ConcurrentHashMap<>();
    private final Producers producers = new Producers(this);
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    private final EngineAdmin admin;
    private volatile boolean closed;

    private Engine(EngineOptions options) {
        this.options = options;
        this.clock = options.clock();
        MeterRegistry registry = options.meterRegistry() != null ? options.meterRegistry() : new SimpleMeterRegistry();
        this.metrics = new EngineMetrics(registry, options.name());
        this.store = options.store();
        this.offsetStore = options.offsetStore() != null ? options.offsetStore() : OffsetStore.inMemory();
        this.deliveryScheduler = Schedulers.newParallel(options.name() + "-delivery", options.deliveryThreads(), true);
        this.senderScheduler = Schedulers.newParallel(options.name() + "-send", options.deliveryThreads(), true);
        this.storeAppendLatency = metrics.storeAppendLatency(store.toString());
        this.storeBatchRecords = metrics.storeBatchRecords(store.toString());
        this.admin = new EngineAdmin(this);
    }

    /** The first wait before storing a partition's failed batches again, and the longest (the store may be down). */
    private static final Duration STORE_REPAIR_BACKOFF = Duration.ofMillis(100);
    private static final Duration STORE_REPAIR_MAX_BACKOFF = Duration.ofSeconds(5);
    /** How long start-up waits for each step of recovering from a durable store. */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(2);
    /** Batches read from the store per query at start-up. */
    private static final int RECOVERY_READ = 1024;

    /** Starts an engine; {@code Sluice.embedded} calls this. */
    public static Sluice start(EngineOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        Engine engine = new Engine(options);
        if (engine.store.durable()) {
            try {
                engine.recover();
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
        }
        return engine;
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        Check.notNull("options", options);
        ensureOpen();
        return producers.create(options);
    }

    @Override
    public Consumer consumer(ConsumerOptions options) {
        AbstractConsumer.requireTopics(options);
        ensureOpen();
        return new DefaultConsumer(this, options);
    }

    @Override
    public MeterRegistry meterRegistry() {
        return metrics.registry;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ClosedException e = closedException();
        producers.failAll(e);
        members.forEach(m -> m.fail(e));
        topics.values().forEach(t -> {
            for (PartitionState p : t.partitions) {
                p.close();
            }
        });
        shutDown(deliveryScheduler);
        shutDown(senderScheduler);
        store.close();
    }

    private ClosedException closedException() {
        return new ClosedException("engine '" + options.name() + "' is closed");
    }

    /** Lets the tasks already given to {@code scheduler} finish (the failures just signalled), then stops it. */
    private static void shutDown(Scheduler scheduler) {
        scheduler.disposeGracefully().timeout(Duration.ofSeconds(5), Schedulers.parallel())
                .onErrorResume(x -> {
                    scheduler.dispose();
                    return reactor.core.publisher.Mono.empty();
                })
                .subscribe();
    }

    // ---- for the engine's parts ----

    void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    /** Ends {@code subscriber} with {@link ClosedException} when the engine is closed; returns true if it did. */
    boolean refuseIfClosed(reactor.core.CoreSubscriber<?> subscriber) {
        if (!closed) {
            return false;
        }
        reactor.core.publisher.Operators.error(subscriber, closedException());
        return true;
    }

    @Override
    public long clockMillis() {
        return clock.millis();
    }

    Clock clock() {
        return clock;
    }

    TopicState topicOrNull(String name) {
        return topics.get(name);
    }

    TopicState requireTopic(String name) {
        TopicState t = topics.get(name);
        if (t == null) {
            throw new UnknownTopicException("unknown topic '" + name + "'");
        }
        return t;
    }

    GroupState group(String id) {
        return groups.computeIfAbsent(id, g -> new GroupState(g, this, Map.of()));
    }

    void register(Member m) {
        members.add(m);
        if (closed) {
            m.fail(closedException());
        }
    }

    void unregister(Member m) {
        members.remove(m);
    }

    // ---- SendTarget: the embedded producers' side ----

    @Override
    public SendTarget.Topic topic(String name) {
        TopicState t = topics.get(name);
        if (t == null) {
            throw new UnknownTopicException("unknown topic '" + name + "': create it with admin().createTopic(TopicSpec.of(\"" + name + "\"))");
        }
        return t;
    }

    @Override
    public Scheduler senderScheduler() {
        return senderScheduler;
    }

    /** Embedded sends never resend a batch: no producer id, no deduplication. */
    @Override
    public long newProducerId() {
        return -1;
    }

    @Override
    public Throwable closedError() {
        return closed ? closedException() : null;
    }

    /**
     * A new topic's state, not yet registered: its partitions start at {@code initialOffsets} (all 0 for a new
     * topic) and, with a durable store, store their batches there.
     */
    TopicState newTopic(TopicSpec spec, long[] initialOffsets) {
        String name = spec.name();
        PartitionState[] partitions = new PartitionState[spec.partitions()];
        var recordsIn = metrics.counter(SluiceMeters.RECORDS_IN, SluiceMeters.TAG_TOPIC, name);
        var bytesIn = metrics.counter(SluiceMeters.BYTES_IN, SluiceMeters.TAG_TOPIC, name);
        var dropped = metrics.counter(SluiceMeters.RECORDS_DROPPED, SluiceMeters.TAG_TOPIC, name);
        for (int i = 0; i < partitions.length; i++) {
            TopicPartition tp = new TopicPartition(name, i);
            partitions[i] = new PartitionState(tp, spec, clock::millis, recordsIn, bytesIn, dropped, initialOffsets[i],
                    store.durable() ? storeLink(tp) : null);
        }
        return new TopicState(spec, partitions, metrics.sendLatency(name));
    }

    /** How a partition reaches the durable store: timed appends, and deletions that only log their failure. */
    private DurableTail.StoreLink storeLink(TopicPartition tp) {
        return new DurableTail.StoreLink() {
            @Override
            public Mono<Void> store(RecordBatch batch) {
                long start = System.nanoTime();
                storeBatchRecords.record(batch.count());
                return store.append(tp, batch)
                        .doOnSuccess(v -> storeAppendLatency.record(Duration.ofNanos(System.nanoTime() - start)));
            }

            @Override
            public void deleteBefore(long offset) {
                store.deleteBefore(tp, offset)
                        .subscribe(null, e -> log.warn("Deleting the stored batches of {} before offset {} failed", tp, offset, e));
            }

            @Override
            public Mono<Void> repair(List<RecordBatch> batches, BooleanSupplier closed) {
                // after a pause: the store just failed, and the partition's lock may be held by the caller
                return Mono.delay(STORE_REPAIR_BACKOFF).thenMany(Flux.fromIterable(batches))
                        .concatMap(b -> store.read(tp, b.baseOffset(), 1).next()
                                .map(found -> found.baseOffset() == b.baseOffset())
                                .defaultIfEmpty(false)
                                .flatMap(landed -> landed ? Mono.<Void>empty() : store.append(tp, b)))
                        .then()
                        .retryWhen(Retry.backoff(Long.MAX_VALUE, STORE_REPAIR_BACKOFF).maxBackoff(STORE_REPAIR_MAX_BACKOFF)
                                .filter(e -> !closed.getAsBoolean())
                                .doBeforeRetry(s -> log.warn("Storing the failed batches of {} again failed (attempt {}): {}", tp,
                                        s.totalRetries() + 1, s.failure().toString())));
            }
        };
    }

    /**
     * Brings back what a durable store kept: every topic, each partition's batches (streamed into the memory log,
     * which keeps what its retention allows) from the store's start to its end, and every group's committed
     * positions. Runs once, on the thread that opens the engine, which waits for it.
     */
    private void recover() {
        List<TopicSpec> specs = store.topics().collectList().block(RECOVERY_TIMEOUT);
        for (TopicSpec spec : specs == null ? List.<TopicSpec>of() : specs) {
            OffsetRange[] ranges = new OffsetRange[spec.partitions()];
            long[] initial = new long[spec.partitions()];
            List<List<RecordBatch>> firsts = new ArrayList<>();
            for (int i = 0; i < ranges.length; i++) {
                TopicPartition tp = new TopicPartition(spec.name(), i);
                ranges[i] = store.offsets(tp).block(RECOVERY_TIMEOUT);
                List<RecordBatch> first = ranges[i].size() == 0 ? List.of()
                        : store.read(tp, ranges[i].start(), RECOVERY_READ).collectList().block(RECOVERY_TIMEOUT);
                firsts.add(first);
                initial[i] = first.isEmpty() ? ranges[i].end() : first.get(0).baseOffset();
            }
            TopicState topic = newTopic(spec, initial);
            for (int i = 0; i < ranges.length; i++) {
                PartitionState p = topic.partitions[i];
                List<RecordBatch> batches = firsts.get(i);
                boolean gap = false;
                while (!batches.isEmpty() && !gap) {
                    for (RecordBatch b : batches) {
                        if (!p.recover(b)) {
                            gap = true;
                            break;
                        }
                    }
                    if (gap || p.log.endOffset() >= ranges[i].end()) {
                        break;
                    }
                    batches = store.read(p.tp, p.log.endOffset(), RECOVERY_READ).collectList().block(RECOVERY_TIMEOUT);
                }
                if (gap) {
                    // A store write failed and the process stopped before storing it again: what follows was never
                    // acknowledged (a batch counts as stored only with every batch before it), and new batches take
                    // its offsets.
                    log.warn("The store's log of {} has a gap at offset {}; removing the {} unacknowledged records after it", p.tp,
                            p.log.endOffset(), ranges[i].end() - p.log.endOffset());
                    store.deleteFrom(p.tp, p.log.endOffset()).block(RECOVERY_TIMEOUT);
                    ranges[i] = new OffsetRange(ranges[i].start(), p.log.endOffset());
                }
                if (p.log.endOffset() != ranges[i].end()) {
                    throw new IllegalStateException("the store's log of " + p.tp + " ends at offset " + p.log.endOffset()
                            + ", but the store says " + ranges[i].end());
                }
                p.recoveredStart(ranges[i].start());
            }
            topics.put(spec.name(), topic);
            admin.registerGauges(topic);
        }
        List<String> ids = offsetStore.groups().collectList().block(RECOVERY_TIMEOUT);
        for (String id : ids == null ? List.<String>of() : ids) {
            Map<TopicPartition, Long> committed = new java.util.HashMap<>();
            Map<TopicPartition, Long> stored = offsetStore.committed(id).block(RECOVERY_TIMEOUT);
            (stored == null ? Map.<TopicPartition, Long>of() : stored).forEach((tp, position) -> {
                // a group may have read, and committed, records that were never stored (see the gap above)
                TopicState t = topics.get(tp.topic());
                boolean known = t != null && tp.partition() < t.partitions.length;
                committed.put(tp, known ? Math.min(position, t.partitions[tp.partition()].log.endOffset()) : position);
            });
            groups.put(id, new GroupState(id, this, committed));
        }
    }
}
