package io.sluice.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.Sluice;
import io.sluice.admin.Admin;
import io.sluice.check.Check;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.StartPosition;
import io.sluice.errors.ClosedException;
import io.sluice.kafka.internal.KafkaAdmin;
import io.sluice.kafka.internal.KafkaErrors;
import io.sluice.kafka.internal.KafkaGroupConsumer;
import io.sluice.kafka.internal.KafkaMembers;
import io.sluice.kafka.internal.KafkaTarget;
import io.sluice.kafka.internal.KafkaTopics;
import io.sluice.kafka.internal.SendThread;
import io.sluice.kafka.internal.SluiceAssignor;
import io.sluice.producer.Acks;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.spi.AbstractConsumer;
import io.sluice.spi.ClosingCommits;
import io.sluice.spi.Producers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The {@link Sluice} API on a Kafka cluster: the same producers, consumer groups, {@code process()} (concurrency,
 * per-key ordering, retries, dead letters) and admin as the embedded engine and a node, on Kafka's clients, so that an
 * application that outgrows one machine keeps its code.
 *
 * <pre>{@code
 * try (Sluice sluice = KafkaSluice.connect(KafkaOptions.create().bootstrap("broker-1:9092,broker-2:9092"))) {
 *     sluice.admin().createTopic(TopicSpec.of("orders").partitions(12).setting("replication.factor", "3")).block();
 *     sluice.producer(ProducerOptions.create().acks(Acks.STORED)).send(orders).blockLast();
 *     sluice.consumer(ConsumerOptions.create("billing").topics("orders")).process(r -> charge(r)).subscribe();
 * }
 * }</pre>
 *
 * <p>How Sluice's options map to Kafka's:
 * <ul>
 *   <li>Producers: {@code acks} {@code NONE} is Kafka's acks 0, {@code APPENDED} acks 1 (the leader has it),
 *       {@code STORED} acks all with idempotence (every in-sync replica has it, resends deduplicated); {@code batchSize}
 *       is {@code batch.size}, {@code linger} is {@code linger.ms} (Sluice's own accumulator then closes a batch on its
 *       sender's next turn), {@code maxInFlight} is
 *       {@code max.in.flight.requests.per.connection} (at most 5 with {@code STORED}: Kafka's limit for idempotence),
 *       {@code maxPending} bounds records per send as everywhere; the partitioner chooses the partition
 *       ({@code keyHash} is Kafka's murmur2 choice, so a plain Kafka producer agrees on a key's partition). Producers
 *       with the same of those settings share one {@code KafkaProducer}, called by one thread of this
 *       {@code KafkaSluice} ({@code SendThread}: {@code send} may block) with the messages of each batch Sluice's
 *       accumulator closes, unencoded (Kafka's producer encodes them): a key or value array changed after it was sent
 *       changes what is written, as with Kafka's {@code ProducerRecord}. Sends' results come back on that thread
 *       (marked non-blocking), not on Kafka's I/O thread.</li>
 *   <li>Consumers: a group is a Kafka consumer group (classic protocol) whose assignment Sluice's assignor makes
 *       ({@code SluiceAssignor}); each subscription is a member with a {@code KafkaConsumer} on a thread of its own;
 *       {@code prefetch} bounds the records it holds (it pauses its partitions beyond that and keeps polling);
 *       committed offsets are the contiguous acknowledged prefix of each partition; the start position of a partition
 *       without a committed offset is {@code auto.offset.reset} or a seek.</li>
 *   <li>Topics: see {@code KafkaAdmin}: retention in bytes and age, Kafka's own settings through
 *       {@link io.sluice.admin.TopicSpec#setting}; no overflow policy (retention alone bounds a Kafka topic).</li>
 * </ul>
 * Errors are Sluice's ({@code KafkaErrors}), each naming the bootstrap address.
 */
public final class KafkaSluice implements Sluice {
    private static final Logger log = Loggers.getLogger(KafkaSluice.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /**
     * Sluice's window of batches per partition in front of a Kafka producer. Kafka's producer batches (linger,
     * {@code batch.size}) and bounds what is in flight itself ({@code max.in.flight.requests.per.connection},
     * {@code buffer.memory}); a window of {@code maxInFlight} (5) Sluice batches in front of it starved its batching
     * (12.4 KB batches for the raw driver's 16.3 KB, measured by sluice-perf), so Sluice's accumulator hands batches on
     * as they close, and a send holds at most {@code maxPending} records as everywhere.
     */
    private static final int ACCUMULATOR_WINDOW = 1024;

    private final KafkaOptions options;
    private final String clientId;
    private final KafkaErrors errors;
    private final MeterRegistry registry;
    private final org.apache.kafka.clients.admin.Admin kafkaAdmin;
    private final KafkaTopics topics = new KafkaTopics();
    private final KafkaAdmin admin;
    private final KafkaMembers members = new KafkaMembers();
    private final Scheduler sender;
    private final Scheduler delivery;
    private final SendThread sendThread;
    private final Map<ProducerKey, Producing> producing = new ConcurrentHashMap<>();
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final Disposable refresher;
    private volatile boolean closed;
    /** Set once the producers drained ({@link #close}): batches then fail instead of going to Kafka's producers. */
    private volatile boolean sendsClosed;

    /** The Kafka producer settings that Sluice's producer options decide: producers with the same share a producer. */
    private record ProducerKey(Acks acks, int batchSize, long lingerMs, int maxInFlight) {
        static ProducerKey of(ProducerOptions o) {
            long linger = (o.linger().toNanos() + 999_999) / 1_000_000;
            int inFlight = o.acks() == Acks.STORED ? Math.min(5, o.maxInFlight()) : o.maxInFlight();
            return new ProducerKey(o.acks(), o.batchSize(), linger, inFlight);
        }
    }

    /** A Kafka producer and the Sluice producers on it. */
    private record Producing(KafkaProducer<byte[], byte[]> kafka, Producers producers) {
    }

    private KafkaSluice(KafkaOptions options) {
        this.options = options;
        this.clientId = options.clientId() + "-" + INSTANCES.incrementAndGet();
        this.errors = new KafkaErrors(options.bootstrap());
        this.registry = options.meterRegistry() != null ? options.meterRegistry() : new SimpleMeterRegistry();
        int cores = Runtime.getRuntime().availableProcessors();
        this.delivery = Schedulers.newParallel("sluice-kafka-deliver", Math.max(2, cores), true);
        this.sendThread = new SendThread("sluice-kafka-producer-" + clientId);
        // producers close their batches on the thread that sends them to Kafka: one hand-off fewer per batch
        this.sender = Schedulers.fromExecutor(sendThread);
        Map<String, Object> adminConfig = common("admin");
        adminConfig.putIfAbsent("default.api.timeout.ms", (int) options.requestTimeout().toMillis());
        adminConfig.putIfAbsent("request.timeout.ms", (int) Math.min(options.requestTimeout().toMillis(), 30_000));
        this.kafkaAdmin = org.apache.kafka.clients.admin.Admin.create(adminConfig);
        this.admin = new KafkaAdmin(kafkaAdmin, errors, topics, delivery, members);
        long every = options.metadataRefresh().toMillis();
        this.refresher = delivery.schedulePeriodically(this::refreshTopics, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to the cluster and learns its topics, waiting for that (up to the request timeout): call it from your
     * own thread.
     *
     * @throws IllegalArgumentException when no bootstrap address is set
     * @throws io.sluice.errors.DisconnectedException naming the bootstrap address when the cluster does not answer
     */
    public static KafkaSluice connect(KafkaOptions options) {
        Check.notNull("options", options);
        if (options.bootstrap() == null) {
            throw new IllegalArgumentException("KafkaOptions.bootstrap must be set (host:port of a broker)");
        }
        KafkaSluice s = new KafkaSluice(options);
        try {
            s.admin.refreshTopics().block(options.requestTimeout().plusSeconds(1));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Lists the cluster's topics again (every {@code metadataRefresh}, and soon after a send named one unknown here). */
    private void refreshTopics() {
        if (closed || !refreshing.compareAndSet(false, true)) {
            return;
        }
        admin.refreshTopics()
                .doFinally(s -> refreshing.set(false))
                .subscribe(null, e -> log.debug("Listing the topics of {} failed: {}", options.bootstrap(), e.toString()));
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        Check.notNull("options", options);
        ensureOpen();
        Producing p = producing.computeIfAbsent(ProducerKey.of(options), this::newProducing);
        return p.producers().create(options.linger(Duration.ZERO).maxInFlight(ACCUMULATOR_WINDOW));
    }

    private Producing newProducing(ProducerKey key) {
        Map<String, Object> config = common("producer");
        config.put("acks", switch (key.acks()) {
            case NONE -> "0";
            case APPENDED -> "1";
            case STORED -> "all";
        });
        config.put("enable.idempotence", key.acks() == Acks.STORED);
        config.putIfAbsent("batch.size", key.batchSize());
        config.putIfAbsent("linger.ms", (int) Math.min(Integer.MAX_VALUE, key.lingerMs()));
        config.putIfAbsent("max.in.flight.requests.per.connection", key.maxInFlight());
        KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaTarget target = new KafkaTarget(kafka, topics, errors, sendThread, sender, registry, options.bootstrap(),
                this::sendsClosedError, this::refreshTopics);
        return new Producing(kafka, new Producers(target));
    }

    @Override
    public Consumer consumer(ConsumerOptions options) {
        AbstractConsumer.requireTopics(options);
        ensureOpen();
        Map<String, Object> config = common("consumer-" + options.group());
        config.put("client.id", KafkaMembers.withWeight((String) config.get("client.id"), options.weight()));
        config.put("group.id", options.group());
        config.put("enable.auto.commit", false);
        config.put("auto.offset.reset", options.startPosition().kind() == StartPosition.Kind.LATEST ? "latest" : "earliest");
        config.putIfAbsent("partition.assignment.strategy", SluiceAssignor.class.getName());
        config.put("sluice.assignor", options.assignor());
        config.put("sluice.weight", options.weight());
        config.putIfAbsent("allow.auto.create.topics", false);
        return new KafkaGroupConsumer(options, config, delivery, errors, registry, this.options.bootstrap(), admin,
                () -> producer(ProducerOptions.create().acks(Acks.STORED).clientId(options.clientId() + "-dlq")),
                this::closedError, members::joined, members::left);
    }

    /** The settings of every client: the bootstrap address, a client id of its own, then the user's properties. */
    private Map<String, Object> common(String role) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", options.bootstrap());
        config.put("client.id", clientId + "-" + role + "-" + clients.incrementAndGet());
        config.putAll(options.properties());
        return config;
    }

    @Override
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** The options this Sluice was connected with. */
    public KafkaOptions options() {
        return options;
    }

    private Throwable closedError() {
        return closed ? new ClosedException("the KafkaSluice of " + options.bootstrap() + " is closed") : null;
    }

    /** For the producers' target: null while the producers drain in {@link #close}, so that their batches are sent. */
    private Throwable sendsClosedError() {
        return sendsClosed ? closedError() : null;
    }

    private void ensureOpen() {
        Throwable e = closedError();
        if (e != null) {
            throw (ClosedException) e;
        }
    }

    /**
     * Drains the sends in progress first, while Kafka's producers are open ({@link Producers#close}): each stops taking
     * records, the batches it took are handed to Kafka's producer (which sends them after its {@code linger.ms}), and
     * once Kafka acknowledged them and their results were emitted the send ends with {@link ClosedException} (waiting up
     * to {@link Producers#DRAIN_TIMEOUT} in all; not at all on a non-blocking thread, after which what is left fails).
     * Then each consumer's subscription commits what it acknowledged
     * and leaves its group, and this waits for that (up to 10 s; not at all on a non-blocking thread); then closes
     * Kafka's clients (a producer sends what it holds first, up to 5 s). Never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        refresher.dispose();
        ClosedException e = new ClosedException("the KafkaSluice of " + options.bootstrap() + " is closed");
        Producers.close(producing.values().stream().map(Producing::producers).toList(), e);
        sendsClosed = true; // from now on the send thread refuses batches, as Kafka's producers close below
        ClosingCommits.await(members.stopAll(e), x -> log.warn("The consumers of {} could not commit before the KafkaSluice closed: {}",
                options.bootstrap(), x.toString()));
        sendThread.close();
        Duration wait = Schedulers.isInNonBlockingThread() ? Duration.ZERO : Duration.ofSeconds(5);
        producing.values().forEach(p -> p.kafka().close(wait));
        kafkaAdmin.close(wait);
        sender.dispose();
        delivery.dispose();
    }

    @Override
    public String toString() {
        return "KafkaSluice{" + options + "}";
    }
}
