package io.sluice.benchmarks.perf.targets;

import io.micrometer.core.instrument.Timer;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.ProducerSplit;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Keys;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.Ordering;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetStore;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.Record;
import io.sluice.record.TopicPartition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code sluice-embedded}: Sluice's engine in this process ({@link Sluice#embedded()}), used through its
 * public API as an application would. The same driver runs the engine on a durable store ({@link DurableStores})
 * and, through {@link io.sluice.transport.netty.NettySluice} (the same {@link Sluice} interface), a node over TCP
 * ({@link SluiceTcpTarget}), and through {@link io.sluice.kafka.KafkaSluice} a Kafka broker ({@link SluiceKafkaTarget}):
 * only how the run's {@link Sluice} is {@linkplain Opener opened} differs, and, where that {@link Sluice} keeps its
 * topics otherwise or has defaults of its own, how the topic, producers and consumers are {@linkplain Specs specified}
 * there.
 *
 * <p>Per phase: a new topic of {@code --partitions} partitions ({@code BACKPRESSURE} beyond {@code --max-backlog}
 * unconsumed records per partition, and retention of as many records so that nothing unconsumed is evicted);
 * {@code --groups} new groups of {@code --consumers} members each ({@code --prefetch}); with {@code --concurrency 1} each subscribes to
 * {@link Consumer#receive()}, reads sequence number and intended time through {@link Record#valueBuffer()} (no
 * copy) and {@link Delivery#ack() acks} every delivery, with more each runs {@link Consumer#process} with that many
 * handlers. The runner waits until the members own every partition between them, then {@code --producers}
 * producers ({@code --batch-size}, {@code --linger}, {@code --partitioner}, {@code --acks}) send their shares of
 * the payloads ({@link ProducerSplit}) as {@link OutboundMessage}s keyed as {@code --keys} says ({@link Keys});
 * every {@link SendResult} counts as acknowledged. At the end of the phase every subscription is cancelled and
 * the topic deleted; the engine lives for the whole run. An engine {@linkplain Engine#keptAcrossPhases kept across
 * phases} ({@link SluiceKafkaTarget}, as the {@code kafka} target it is compared with keeps its own) has one topic,
 * group and set of producers for the whole run instead, made in the first phase: each phase sends through the same
 * producers, and the consumers report to the probe of the phase under way.
 *
 * <p>Retention equals the backlog bound because the memory log evicts by retention alone, consumed or not: a
 * smaller retention could evict records the consumer has not read yet (they would count as lost). The retained
 * records stay on the heap, so a large {@code --max-backlog} means many live objects for the GC to copy; the
 * result's {@code gc} detail shows it. With acknowledgements the result also tells how many records the
 * producer put into each batch: acknowledged records per sample of the producer's {@code sluice.send.latency}
 * timer (one sample per acknowledged batch).
 */
public final class SluiceEmbeddedTarget implements Target {
    /** The target's name. */
    public static final String NAME = "sluice-embedded";

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The {@link Sluice} of one run, what the result's details say about it (the store, the node: asked for at the
     * start and again at the end of every phase, so that they can tell what happened during it), what to
     * release after it closed, how the driver's topic, producers and consumers are specified on it, and whether they
     * are kept across phases: made in the first phase and used until the run closes, as a peer's driver keeps its
     * clients from the warm-up into the measured phase (then the measured phase does not begin with a new topic,
     * consumer group and clients, whose first minutes cost a JVM new compilations and a broker a new log).
     */
    record Engine(Sluice sluice, Supplier<Map<String, String>> details, Runnable cleanup, Specs specs, boolean keptAcrossPhases) {
        /** An engine that takes the driver's specifications as they are ({@link Specs#AS_IS}), with a topic per phase. */
        Engine(Sluice sluice, Supplier<Map<String, String>> details, Runnable cleanup) {
            this(sluice, details, cleanup, Specs.AS_IS, false);
        }
    }

    /**
     * How the driver's specifications become the ones it uses on one engine: each function gets what the driver
     * asks of Sluice's own engine for the workload ({@link #topicSpec}, {@link #producerOptions},
     * {@link #consumerOptions}) and returns what it asks of this one. The same for every engine but one that keeps
     * its topics otherwise, or whose own defaults the workload leaves its knobs to ({@link SluiceKafkaTarget}).
     */
    record Specs(UnaryOperator<TopicSpec> topic, UnaryOperator<ProducerOptions> producer, UnaryOperator<ConsumerOptions> consumer) {
        /** The driver's specifications as they are. */
        static final Specs AS_IS = new Specs(UnaryOperator.identity(), UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** Opens the {@link Sluice} of a run of {@code workload} (from the runner's thread, where it may wait). */
    interface Opener {
        /** @throws TargetUnavailableException (a one-line message) when it cannot */
        Engine open(Workload workload);

        /**
         * Rejects knobs the engine cannot honour ({@link Target#validate}).
         *
         * @throws IllegalArgumentException whose message names the {@code sluice-perf} option
         */
        default void validate(Workload workload) {
        }
    }

    /**
     * What the engine stores into for one run: a log store, an offset store, a line for the result's details,
     * and what to clean up after the engine closed (which closes the log store).
     */
    record Stores(LogStore log, OffsetStore offsets, String detail, Runnable cleanup) {
    }

    /** Opens the stores of a run; throws to fail it. */
    interface StoreOpener {
        Stores open();
    }

    private final String name;
    private final String description;
    private final Opener opener;
    private Engine engine;
    private Sluice sluice;
    private int phases;
    /** With an engine kept across phases: the run's topic, consumers and producers, from the first phase on. */
    private Kept kept;

    /** {@code sluice-embedded}: the engine with its memory store. */
    public SluiceEmbeddedTarget() {
        this(NAME, "Sluice embedded engine: producer.send -> topic (memory log) -> consumer.receive + ack",
                workload -> new Engine(Sluice.embedded(engineOptions()), Map::of, () -> { }));
    }

    /** The workload driven through the {@link Sluice} that {@code opener} opens for each run. */
    SluiceEmbeddedTarget(String name, String description, Opener opener) {
        this.name = name;
        this.description = description;
        this.opener = opener;
    }

    /** The engine in this process on the stores {@code stores} opens for each run (see {@link DurableStores}). */
    static SluiceEmbeddedTarget onStores(String name, String description, StoreOpener stores) {
        return new SluiceEmbeddedTarget(name, description, workload -> {
            Stores s;
            try {
                s = stores.open();
            } catch (RuntimeException e) {
                throw new TargetUnavailableException(name + ": cannot open its store: " + TargetUnavailableException.oneLine(e), e);
            }
            try {
                Sluice engine = Sluice.embedded(engineOptions().store(s.log()).offsetStore(s.offsets()));
                return new Engine(engine, () -> Map.of("store", s.detail()), s.cleanup());
            } catch (RuntimeException e) {
                s.cleanup().run();
                throw e;
            }
        });
    }

    /** The options of every engine the perf lab runs (in this process, or as a node: {@link NodeProcess}). */
    static EngineOptions engineOptions() {
        return EngineOptions.create().name("sluice-perf");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean hasAcks() {
        return true;
    }

    @Override
    public void validate(Workload workload) {
        opener.validate(workload);
    }

    @Override
    public void open(Workload workload) {
        engine = opener.open(workload);
        sluice = engine.sluice();
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        engine.details().get().forEach(probe::detail);
        if (engine.keptAcrossPhases()) {
            return startKept(workload, payloads, probe);
        }
        String topic = createTopic(workload);
        Disposable.Composite phase = Disposables.composite();
        try {
            for (int group = 0; group < workload.groups(); group++) {
                subscribeConsumers(topic, group, workload, () -> probe, phase);
            }
            startProducers(topic, workload, payloads, probe, phase, index -> newProducer(workload, index), true);
        } catch (RuntimeException e) {
            phase.dispose();
            throw e;
        }
        return () -> {
            phase.dispose();
            engine.details().get().forEach(probe::detail);
            describeBatches(topic, workload, probe, SendCount.NONE);
            sluice.admin().deleteTopic(topic).onErrorResume(e -> Mono.empty()).block(SETUP_TIMEOUT);
        };
    }

    /**
     * A phase on an engine kept across phases: the first makes the run's topic and subscribes its consumers; each
     * sends its payloads through the run's producers, and its consumers report to {@code probe} until it ends.
     */
    private Disposable startKept(Workload workload, Flux<byte[]> payloads, Probe probe) {
        if (kept == null) {
            Kept k = new Kept(createTopic(workload));
            kept = k; // released by close(), even when a subscription below fails
            for (int group = 0; group < workload.groups(); group++) {
                subscribeConsumers(k.topic, group, workload, () -> k.probe, k.consumers);
            }
        }
        Kept k = kept;
        k.probe = probe;
        SendCount before = SendCount.of(sendLatency(k.topic));
        Disposable.Composite phase = Disposables.composite();
        try {
            startProducers(k.topic, workload, payloads, probe, phase,
                    index -> k.producers.computeIfAbsent(index, i -> newProducer(workload, i)), false);
        } catch (RuntimeException e) {
            phase.dispose();
            throw e;
        }
        return () -> {
            phase.dispose();
            k.probe = null;
            engine.details().get().forEach(probe::detail);
            describeBatches(k.topic, workload, probe, before);
        };
    }

    /** A new topic for the workload, unique in a shared database too. */
    private String createTopic(Workload workload) {
        String topic = "perf-" + ProcessHandle.current().pid() + "-" + (++phases);
        sluice.admin().createTopic(engine.specs().topic().apply(topicSpec(topic, workload))).block(SETUP_TIMEOUT);
        return topic;
    }

    private Producer newProducer(Workload workload, int index) {
        return sluice.producer(engine.specs().producer().apply(producerOptions(workload, index)));
    }

    /** The run's topic, consumers and producers on an engine kept across phases, and the probe of the phase under way. */
    private static final class Kept {
        final String topic;
        final Disposable.Composite consumers = Disposables.composite();
        final Map<Integer, Producer> producers = new ConcurrentHashMap<>();
        /** Null between phases: what arrives then (nothing, as a phase ends once all it sent was received) is not counted. */
        volatile Probe probe;

        Kept(String topic) {
            this.topic = topic;
        }

        void close() {
            consumers.dispose();
            producers.values().forEach(Producer::close);
        }
    }

    /** The topic of a phase on Sluice's own engine (see the class comment), before {@link Specs#topic}. */
    static TopicSpec topicSpec(String topic, Workload workload) {
        return TopicSpec.of(topic)
                .partitions(workload.partitions())
                .overflow(OverflowPolicy.BACKPRESSURE)
                .maxBacklog(workload.maxBacklog())
                .retentionRecords(workload.maxBacklog())
                .retentionBytes(TopicSpec.UNLIMITED);
    }

    /** Producer number {@code index}'s options on Sluice's own engine, before {@link Specs#producer}. */
    static ProducerOptions producerOptions(Workload workload, int index) {
        return ProducerOptions.create()
                .batchSize(workload.batchSize())
                .linger(workload.linger())
                .partitioner(workload.partitioner().create())
                .acks(workload.acks())
                .clientId("sluice-perf-" + index);
    }

    /** Member {@code member} of {@code group}'s options on Sluice's own engine, before {@link Specs#consumer}. */
    static ConsumerOptions consumerOptions(String group, String topic, Workload workload, int member) {
        return ConsumerOptions.create(group)
                .topics(topic)
                .prefetch(workload.prefetch())
                .concurrency(workload.concurrency())
                .ordering(workload.keys() > 0 ? Ordering.PER_KEY : Ordering.PER_PARTITION)
                .clientId("sluice-perf-" + member);
    }

    /**
     * {@code --consumers} members of new group number {@code group}; returns once they own every partition between them. With
     * {@code --concurrency 1} each reads with {@link Consumer#receive()} on its delivery thread; with more, each runs
     * {@link Consumer#process} with that many handlers on {@link Schedulers#parallel()} (as an application with
     * CPU-bound handlers would), keeping order per key for keyed records and per partition otherwise.
     */
    private void subscribeConsumers(String topic, int group, Workload workload, Supplier<Probe> probe, Disposable.Composite phase) {
        Map<Integer, RebalanceEvent> latest = new ConcurrentHashMap<>();
        CompletableFuture<Void> assigned = new CompletableFuture<>();
        for (int i = 0; i < workload.consumers(); i++) {
            int member = i;
            Consumer consumer = sluice.consumer(engine.specs().consumer().apply(
                    consumerOptions(topic + "-group-" + group, topic, workload, i)));
            phase.add(consumer.rebalances().subscribe(e -> {
                latest.put(member, e);
                if (settled(latest.values(), workload.consumers(), workload.partitions())) {
                    assigned.complete(null);
                }
            }));
            if (workload.concurrency() == 1) {
                Reader reader = new Reader(probe, group);
                phase.add(reader);
                consumer.receive().subscribe(reader);
            } else {
                phase.add(consumer.process(record -> Mono.fromRunnable(() -> record(probe.get(), group, record, System.nanoTime()))
                                .subscribeOn(Schedulers.parallel()))
                        .subscribe(result -> { }, e -> failed(probe.get(), e)));
            }
        }
        awaitAssignment(assigned, topic + "-group-" + group);
    }

    /**
     * True when every member has joined and the members' latest events are of one generation whose assignments
     * cover every partition exactly once. (Producing before the last member joined would move partitions
     * mid-run, and a record delivered while its partition moves may be delivered again: at least once.)
     */
    private static boolean settled(Collection<RebalanceEvent> events, int members, int partitions) {
        if (events.size() < members) {
            return false;
        }
        int generation = -1;
        int total = 0;
        Set<TopicPartition> all = new HashSet<>();
        for (RebalanceEvent e : events) {
            if (generation >= 0 && e.generation() != generation) {
                return false;
            }
            generation = e.generation();
            total += e.assigned().size();
            all.addAll(e.assigned());
        }
        return total == partitions && all.size() == partitions;
    }

    /**
     * {@code --producers} producers ({@code producers} gives producer number {@code index}), each sending its share of
     * the payloads ({@link ProducerSplit}); closed when the phase ends if {@code closeAtEnd}.
     */
    private void startProducers(String topic, Workload workload, Flux<byte[]> payloads, Probe probe, Disposable.Composite phase,
                                IntFunction<Producer> producers, boolean closeAtEnd) {
        Keys keys = Keys.of(workload);
        AtomicInteger running = new AtomicInteger(workload.producers());
        phase.add(ProducerSplit.split(payloads, workload, false, (index, share) -> {
            Producer producer = producers.apply(index);
            AckCounter acks = new AckCounter(probe, running);
            producer.send(share.map(value -> OutboundMessage.<Void>of(topic, keys.key(Payload.seq(value)), value, null)))
                    .subscribe(acks);
            return () -> {
                acks.dispose();
                if (closeAtEnd) {
                    producer.close();
                }
            };
        }));
    }

    /**
     * Records per appended batch: the acknowledged records over the producer's send-latency samples (one per
     * acknowledged batch), and how long a batch took from closing to its acknowledgement: records per batch times
     * batches in flight over that time bounds the rate a producer can reach (Little's law). Both are counted where the
     * producer runs, in this process, whether the engine is here, on a node or on Kafka.
     */
    private void describeBatches(String topic, Workload workload, Probe probe, SendCount before) {
        if (workload.acks() == Acks.NONE) {
            return;
        }
        SendCount now = SendCount.of(sendLatency(topic));
        long batches = now.batches() - before.batches();
        if (batches > 0) {
            double meanMs = (now.totalMs() - before.totalMs()) / batches;
            // the timer's maximum is of its recent samples, the phase's only when the topic is the phase's own
            String max = before.batches() == 0 ? String.format(Locale.ROOT, " (at most %.1f ms)", now.maxMs()) : "";
            probe.detail("batches", String.format(Locale.ROOT, "%,d appended, %.1f records per batch on average,"
                    + " acknowledged %.1f ms after closing on average%s", batches, (double) probe.ackedCount() / batches, meanMs, max));
        }
    }

    private Timer sendLatency(String topic) {
        return sluice.meterRegistry().find(SluiceMeters.SEND_LATENCY).tag(SluiceMeters.TAG_TOPIC, topic).timer();
    }

    /** A topic's send-latency timer at one moment: batches acknowledged, their total and greatest time to it. */
    private record SendCount(long batches, double totalMs, double maxMs) {
        static final SendCount NONE = new SendCount(0, 0, 0);

        static SendCount of(Timer sends) {
            return sends == null ? NONE
                    : new SendCount(sends.count(), sends.totalTime(TimeUnit.MILLISECONDS), sends.max(TimeUnit.MILLISECONDS));
        }
    }

    private static void awaitAssignment(CompletableFuture<Void> assigned, String group) {
        try {
            assigned.get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the consumers joined " + group, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the consumers of " + group + " were not assigned every partition within "
                    + SETUP_TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Reports a record to {@code probe}; between phases ({@code probe} null) it is not counted. */
    private static void record(Probe probe, int group, Record record, long now) {
        if (probe == null) {
            return;
        }
        ByteBuffer value = record.valueBuffer();
        probe.received(group, record.partition(), Payload.seq(value), Payload.intendedNanos(value), now);
    }

    private static void failed(Probe probe, Throwable error) {
        if (probe != null) {
            probe.failed(error);
        }
    }

    @Override
    public void close() {
        if (engine != null) {
            try {
                if (kept != null) {
                    kept.close();
                    sluice.admin().deleteTopic(kept.topic).onErrorResume(e -> Mono.empty()).block(SETUP_TIMEOUT);
                    kept = null;
                }
                engine.sluice().close();
            } finally {
                engine.cleanup().run();
                engine = null;
                sluice = null;
            }
        }
    }

    /** One member's reader: reports each delivery to the probe of the phase under way and acknowledges it. */
    private static final class Reader extends BaseSubscriber<Delivery> {
        private final Supplier<Probe> probe;
        private final int group;

        Reader(Supplier<Probe> probe, int group) {
            this.probe = probe;
            this.group = group;
        }

        @Override
        protected void hookOnNext(Delivery delivery) {
            record(probe.get(), group, delivery.record(), System.nanoTime());
            delivery.ack();
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            failed(probe.get(), throwable);
        }
    }

    /** Counts one producer's acknowledgements; the last producer to complete completes the probe's. */
    private static final class AckCounter extends BaseSubscriber<SendResult<Void>> {
        private final Probe probe;
        private final AtomicInteger running;

        AckCounter(Probe probe, AtomicInteger running) {
            this.probe = probe;
            this.running = running;
        }

        @Override
        protected void hookOnNext(SendResult<Void> result) {
            probe.acked();
        }

        @Override
        protected void hookOnComplete() {
            if (running.decrementAndGet() == 0) {
                probe.acksCompleted();
            }
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            probe.failed(throwable);
        }
    }
}
