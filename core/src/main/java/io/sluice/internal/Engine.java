package io.sluice.internal;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.Admin;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.ClosedException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetStore;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The embedded engine behind {@link Sluice#embedded()}: topics of partition logs in memory, consumer
 * groups, and the producers and members using them. Public only so that {@code Sluice.embedded} can
 * reach it; not API.
 */
public final class Engine implements Sluice {
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
    private final Set<DefaultProducer> producers = ConcurrentHashMap.newKeySet();
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

    /** Starts an engine; {@code Sluice.embedded} calls this. */
    public static Sluice start(EngineOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        return new Engine(options);
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        Check.notNull("options", options);
        ensureOpen();
        DefaultProducer p = new DefaultProducer(this, options);
        producers.add(p);
        return p;
    }

    @Override
    public Consumer consumer(ConsumerOptions options) {
        Check.notNull("options", options);
        if (options.topics().isEmpty()) {
            throw new IllegalArgumentException("ConsumerOptions.topics must name at least one topic");
        }
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
        ClosedException e = closedError();
        producers.forEach(p -> p.failAll(e));
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

    private ClosedException closedError() {
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
            throw closedError();
        }
    }

    /** Ends {@code subscriber} with {@link ClosedException} when the engine is closed; returns true if it did. */
    boolean refuseIfClosed(reactor.core.CoreSubscriber<?> subscriber) {
        if (!closed) {
            return false;
        }
        reactor.core.publisher.Operators.error(subscriber, closedError());
        return true;
    }

    long clockMillis() {
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
            m.fail(closedError());
        }
    }

    void unregister(Member m) {
        members.remove(m);
    }

    void unregister(DefaultProducer p) {
        producers.remove(p);
    }

    /**
     * Appends a batch to a partition and, with a durable store, stores it; the callback hears when the
     * batch is as safe as {@code acks} asks.
     */
    void append(PartitionState partition, RecordBatch batch, Acks acks, PartitionState.AppendCallback callback) {
        if (!store.durable()) {
            partition.append(batch, callback);
            return;
        }
        partition.append(batch, new PartitionState.AppendCallback() {
            @Override
            public void appended(long baseOffset) {
                long start = System.nanoTime();
                storeBatchRecords.record(batch.count());
                reactor.core.publisher.Mono<Void> stored = store.append(partition.tp, batch)
                        .doOnSuccess(v -> storeAppendLatency.record(Duration.ofNanos(System.nanoTime() - start)));
                if (acks == Acks.STORED) {
                    stored.subscribe(null, callback::failed, () -> callback.appended(baseOffset));
                } else {
                    stored.subscribe(null, e -> log.error("Storing a batch of {} failed", partition.tp, e));
                    callback.appended(baseOffset);
                }
            }

            @Override
            public void failed(Throwable error) {
                callback.failed(error);
            }
        });
    }
}
