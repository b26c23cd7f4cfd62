package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
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
import io.sluice.log.OffsetStore;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.TopicPartition;
import io.sluice.spi.AbstractConsumer;
import io.sluice.spi.ClosingCommits;
import io.sluice.spi.Producers;
import io.sluice.spi.SendTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The embedded engine behind {@link Sluice#embedded()}: topics of partition logs in memory, consumer
 * groups, and the producers and members using them. With a durable store, {@link Recovery} brings back what
 * the store kept before {@link #start} returns, and each partition writes to it through a {@link LogStoreLink}.
 * Public only so that {@code Sluice.embedded} can reach it; not API.
 */
public final class Engine implements Sluice, SendTarget {
    private static final Logger log = Loggers.getLogger(Engine.class);

    final EngineMetrics metrics;
    final LogStore store;
    final OffsetStore offsetStore;
    final Scheduler deliveryScheduler;
    /** Closes producers' open batches when linger is 0 (see {@code RecordAccumulator.flush}). */
    final Scheduler senderScheduler;
    private final EngineOptions options;
    private final Clock clock;
    private final Timer storeAppendLatency;
    private final Counter storeAppendFailures;
    private final DistributionSummary storeBatchRecords;
    final Map<String, TopicState> topics = new ConcurrentHashMap<>();
    final Map<String, GroupState> groups = new ConcurrentHashMap<>();
    private final Producers producers = new Producers(this);
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    final EngineAdmin admin;
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
        this.storeAppendFailures = metrics.storeAppendFailures(store.toString());
        this.storeBatchRecords = metrics.storeBatchRecords(store.toString());
        this.admin = new EngineAdmin(this);
    }

    /** Starts an engine; {@code Sluice.embedded} calls this. */
    public static Sluice start(EngineOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        Engine engine = new Engine(options);
        if (engine.store.durable()) {
            try {
                new Recovery(engine).run();
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

    /**
     * Drains the sends in progress first, while the partitions still append ({@link Producers#close}): each stops
     * taking records, its batches are appended and acknowledged and their results emitted, then it ends with
     * {@link ClosedException} (waiting up to {@link Producers#DRAIN_TIMEOUT}; not at all on a non-blocking thread,
     * after which what is left fails). Then ends subscriptions in progress with {@link ClosedException}. Every member
     * leaves its group first, and the positions they acknowledged are committed and stored before the store closes (waiting up to
     * {@link ClosingCommits#TIMEOUT}; not at all when called on a non-blocking thread, where the in-memory offset
     * store has stored them already). Never throws: a commit that fails is logged.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ClosedException e = closedException();
        producers.close(e);
        List<Mono<Void>> commits = new ArrayList<>();
        groups.values().forEach(g -> commits.add(g.close()));
        members.forEach(m -> m.fail(e));
        topics.values().forEach(t -> {
            for (PartitionState p : t.partitions()) {
                p.close();
            }
        });
        awaitCommits(commits);
        shutDown(deliveryScheduler);
        shutDown(senderScheduler);
        store.close();
    }

    private void awaitCommits(List<Mono<Void>> commits) {
        ClosingCommits.await(Mono.whenDelayError(commits),
                e -> log.warn("Engine '{}' could not store the positions its groups acknowledged: {}", options.name(), e.toString()));
    }

    private ClosedException closedException() {
        return new ClosedException("engine '" + options.name() + "' is closed");
    }

    /** Lets the tasks already given to {@code scheduler} finish (the failures just signalled), then stops it. */
    private static void shutDown(Scheduler scheduler) {
        scheduler.disposeGracefully().timeout(Duration.ofSeconds(5), Schedulers.parallel())
                .onErrorResume(x -> {
                    scheduler.dispose();
                    return Mono.empty();
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

    /** The topic; else throws {@link UnknownTopicException} naming it, with the hint to create it. */
    TopicState requireTopic(String name) {
        TopicState t = topics.get(name);
        if (t == null) {
            throw UnknownTopicException.withCreateHint(name, null);
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
        return requireTopic(name);
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
                    store.durable() ? new LogStoreLink(store, tp, storeAppendLatency, storeAppendFailures, storeBatchRecords) : null);
        }
        return new TopicState(spec, partitions, metrics.sendLatency(name));
    }
}
