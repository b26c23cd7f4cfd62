package io.sluice.benchmarks.perf.targets;

import io.sluice.admin.TopicSpec;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.targets.peers.KafkaClientMetrics;
import io.sluice.benchmarks.perf.targets.peers.KafkaTarget;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSluice;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.producer.Acks;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code sluice-kafka}: the {@code sluice-embedded} workload (the same driver, {@link SluiceEmbeddedTarget}, so the same
 * options mean the same there) through a {@link KafkaSluice}, the {@link io.sluice.Sluice} API on Kafka's clients, to
 * the broker the {@code kafka} target runs on: a single-node KRaft broker started in a child JVM exactly as that target
 * starts its own ({@link KafkaTarget#startBroker(String)}: its flags, its configuration), or an existing one at
 * {@code --bootstrap}. The KafkaSluice and the broker are closed when the run closes.
 *
 * <p><b>The topic.</b> On Sluice's own engine a phase's topic retains {@code --max-backlog} records per partition and
 * holds producers back beyond as many unconsumed ones ({@link SluiceEmbeddedTarget#topicSpec}): the memory log evicts
 * by retention alone, consumed or not, so its retention must be the backlog bound or it would evict what the consumer
 * has not read. A Kafka topic has neither: it is bounded by {@code retention.bytes} and {@code retention.ms} only
 * and never holds a producer back for a slow group, and {@code KafkaSluice} refuses retention by record count rather
 * than pretend (its {@code maxBacklog} is ignored). So here the topic is the driver's with Kafka's retention instead
 * ({@link #topic}): {@code --partitions} partitions, replication factor 1, {@code retention.bytes=-1} and
 * {@code retention.ms} of 7 days, Kafka's defaults, as the {@code kafka} target's topic has them. Nothing is evicted
 * during a run either way, and the harness's in-flight bound ({@link Workload#inFlightLimit()}) holds the producers
 * back here as it does for every target.
 *
 * <p><b>The same settings as the {@code kafka} target.</b> Knobs the workload leaves to each target's default
 * ({@link Workload#ownDefaults()}) get the {@code kafka} target's, Kafka's own, through Sluice's options
 * ({@link #producer}, {@link #consumer}): {@code batchSize} 16,384 bytes and {@code linger} 5 ms, which KafkaSluice
 * makes {@code batch.size} and {@code linger.ms}, and {@code prefetch} 1,000, whose half KafkaSluice makes
 * {@code max.poll.records}: 500, Kafka's default. {@code acks} maps as on the {@code kafka} target (none, appended,
 * stored = 0, 1, all with idempotence), and {@code max.in.flight.requests.per.connection} is ProducerOptions'
 * {@code maxInFlight}, 5, Kafka's default. A knob given on the command line is Sluice's option as on every Sluice
 * target: {@code --prefetch N} bounds the records a member holds and polls {@code min(500, N/2)} at a time, where the
 * {@code kafka} target sets {@code max.poll.records=N}. What differs from the {@code kafka} target is KafkaSluice's own:
 * Sluice's producers batch records before Kafka's producer batches them again (one sending thread hands each Sluice
 * batch's messages, unencoded, to Kafka's producer as it closes; with a window of {@code maxInFlight} Sluice batches per partition, Kafka's
 * batches were 12.4 KB for the {@code kafka} target's 16.3 KB, so KafkaSluice no longer keeps one: the
 * {@code kafka producer} detail shows their average size), and a consumer acknowledges each record and commits the acknowledged prefix every 5 s
 * where the {@code kafka} target auto-commits what it polled. Like the {@code kafka} target, it keeps one topic,
 * consumer group and set of producers from the warm-up into the measured phase ({@link
 * SluiceEmbeddedTarget.Engine#keptAcrossPhases}): with a new topic, group and clients per phase, as the driver makes on
 * Sluice's own engines, the measured phase began with a burst of JIT compilation in both JVMs (a third of the 2
 * cores for its first 15 s, per-thread CPU from /proc) that the {@code kafka} target's measured phase does not have. The result's details show
 * the broker, every Kafka setting these options make ({@link #mapping}, the mapping KafkaSluice documents), and what
 * Kafka's producers measured of their batching (their JMX metrics).
 */
final class SluiceKafkaTarget implements SluiceEmbeddedTarget.Opener {
    /** How long connecting waits for the broker (and each admin request of the driver). */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The target's name. */
    static final String NAME = "sluice-kafka";
    /** Kafka's default {@code retention.ms} ({@code log.retention.hours=168}). */
    static final Duration KAFKA_RETENTION = Duration.ofDays(7);
    /** The prefetch whose poll batch (KafkaSluice polls half its prefetch, at most 500) is Kafka's max.poll.records. */
    static final int KAFKA_PREFETCH = 2 * KafkaTarget.DEFAULT_MAX_POLL_RECORDS;
    /** What KafkaSluice's poll batch is capped at. */
    private static final int MAX_POLL_BATCH = 500;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final String bootstrap;

    private SluiceKafkaTarget(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** @param bootstrap an existing broker's {@code host:port[,...]} ({@code --bootstrap}), or null to start one */
    static SluiceEmbeddedTarget create(String bootstrap) {
        String where = bootstrap == null ? "a single-node KRaft broker in a child JVM, as the kafka target's" : "Kafka at " + bootstrap;
        return new SluiceEmbeddedTarget(NAME, "Sluice on Kafka: KafkaSluice producer.send -> " + where
                + " -> consumer.receive + ack; Kafka's defaults for the knobs left unset, as the kafka target", new SluiceKafkaTarget(bootstrap));
    }

    @Override
    public void validate(Workload workload) {
        KafkaTarget.requireRecordSize(NAME, workload);
    }

    @Override
    public SluiceEmbeddedTarget.Engine open(Workload workload) {
        KafkaCluster broker = bootstrap == null ? KafkaTarget.startBroker(NAME) : null;
        String address = broker != null ? broker.bootstrap() : bootstrap;
        String clientId = "sluice-perf-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        KafkaSluice sluice;
        try {
            // a broker that does not answer in 10 s is not there: the run says so rather than wait KafkaSluice's 30 s
            sluice = KafkaSluice.connect(KafkaOptions.create().bootstrap(address).clientId(clientId).requestTimeout(CONNECT_TIMEOUT));
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.close();
            }
            throw new TargetUnavailableException(NAME + ": cannot connect to " + address + ": " + TargetUnavailableException.oneLine(e), e);
        }
        SluiceEmbeddedTarget.Specs specs = specs(workload);
        String brokerDetail = broker != null ? broker.describe() : "at --bootstrap " + address + " (its settings are its own)";
        String kafkaDetail = "KafkaSluice " + clientId + " to " + address + "; " + mapping(workload, specs);
        Supplier<Map<String, String>> details = () -> {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("broker", brokerDetail);
            d.put("kafka", kafkaDetail);
            d.put("kafka producer", KafkaClientMetrics.PRODUCER.describe(clientId + "-"));
            d.put("kafka consumer", KafkaClientMetrics.CONSUMER.describe(clientId + "-"));
            return d;
        };
        // kept across phases, as the kafka target keeps its topic, producer and consumer (see the class comment)
        return new SluiceEmbeddedTarget.Engine(sluice, details, broker != null ? broker::close : () -> { }, specs, true);
    }

    /** The driver's specifications made Kafka's (see the class comment). */
    static SluiceEmbeddedTarget.Specs specs(Workload workload) {
        return new SluiceEmbeddedTarget.Specs(SluiceKafkaTarget::topic, p -> producer(p, workload), c -> consumer(c, workload));
    }

    /**
     * The driver's topic on Kafka: its partitions, replication factor 1, Kafka's default retention in place of the
     * memory log's retention by record count, which KafkaSluice refuses (see the class comment).
     */
    static TopicSpec topic(TopicSpec driver) {
        return driver.retentionRecords(TopicSpec.UNLIMITED)
                .retentionBytes(TopicSpec.UNLIMITED)
                .retentionAge(KAFKA_RETENTION)
                .setting("replication.factor", "1");
    }

    /** The driver's producer options, with Kafka's batch size and linger where the workload leaves them to the target. */
    static ProducerOptions producer(ProducerOptions driver, Workload workload) {
        ProducerOptions p = driver;
        if (workload.ownDefault(Workload.Knob.BATCH_SIZE)) {
            p = p.batchSize(KafkaTarget.DEFAULT_BATCH_SIZE);
        }
        if (workload.ownDefault(Workload.Knob.LINGER)) {
            p = p.linger(Duration.ofMillis(KafkaTarget.DEFAULT_LINGER_MS));
        }
        return p;
    }

    /** The driver's consumer options, with the prefetch that polls Kafka's max.poll.records where the workload leaves it. */
    static ConsumerOptions consumer(ConsumerOptions driver, Workload workload) {
        return workload.ownDefault(Workload.Knob.PREFETCH) ? driver.prefetch(KAFKA_PREFETCH) : driver;
    }

    /**
     * The Sluice options the driver uses with {@code specs} and the Kafka settings KafkaSluice makes of them (as its
     * javadoc documents the mapping), each marked where it is Kafka's default standing in for a knob left unset.
     */
    static String mapping(Workload workload, SluiceEmbeddedTarget.Specs specs) {
        ProducerOptions p = specs.producer().apply(SluiceEmbeddedTarget.producerOptions(workload, 0));
        ConsumerOptions c = specs.consumer().apply(SluiceEmbeddedTarget.consumerOptions("group", "topic", workload, 0));
        TopicSpec t = specs.topic().apply(SluiceEmbeddedTarget.topicSpec("topic", workload));
        String kafkasDefault = " (Kafka's default, as the kafka target)";
        String acks = switch (p.acks()) {
            case NONE -> "0";
            case APPENDED -> "1";
            case STORED -> "all";
        };
        long lingerMs = (p.linger().toNanos() + 999_999) / 1_000_000;
        int inFlight = p.acks() == Acks.STORED ? Math.min(5, p.maxInFlight()) : p.maxInFlight();
        int pollBatch = Math.max(1, Math.min(MAX_POLL_BATCH, c.prefetch() / 2));
        return String.format(Locale.ROOT, "one topic for the run (kept from the warm-up into the measured phase, as the kafka target keeps its own): %d partitions, replication factor %s, retention.bytes=-1,"
                        + " retention.ms=%d (Kafka's defaults; no retention by record count, maxBacklog ignored by KafkaSluice);"
                        + " producer: acks %s, batchSize %,d B%s, linger %s%s, maxInFlight %d, partitioner %s (Sluice's, choosing the partition before Kafka's producer)"
                        + " -> acks=%s, enable.idempotence=%s, batch.size=%d, linger.ms=%d, max.in.flight.requests.per.connection=%d;"
                        + " consumer: prefetch %d%s -> max.poll.records=%d, enable.auto.commit=false (the acknowledged"
                        + " prefix committed every %s), auto.offset.reset=earliest (everything else Kafka's defaults)",
                t.partitions(), t.settings().get("replication.factor"), t.retentionAge().toMillis(),
                p.acks().name().toLowerCase(Locale.ROOT), p.batchSize(), workload.ownDefault(Workload.Knob.BATCH_SIZE) ? kafkasDefault : "",
                Durations.format(p.linger()), workload.ownDefault(Workload.Knob.LINGER) ? kafkasDefault : "", p.maxInFlight(),
                workload.partitioner().cliName(),
                acks, p.acks() == Acks.STORED, p.batchSize(), lingerMs, inFlight,
                c.prefetch(), workload.ownDefault(Workload.Knob.PREFETCH) ? " (twice Kafka's default max.poll.records, as the kafka target)" : "",
                pollBatch, Durations.format(c.commitInterval()));
    }
}
