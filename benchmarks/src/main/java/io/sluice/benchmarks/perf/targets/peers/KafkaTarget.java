package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Keys;
import io.sluice.benchmarks.perf.workload.PartitionerKind;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.kafka.cluster.ChildJvm;
import io.sluice.kafka.cluster.ChildJvmException;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.producer.Acks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * {@code kafka}: Apache Kafka, driven as its own tools and a running application drive it.
 *
 * <p>The broker is a single-node KRaft broker that the target starts in a child JVM ({@link #startBroker}: a
 * {@link KafkaCluster} of one node with Kafka's own server flags; its CPU and GC are its own, its data in a temporary
 * directory, removed afterwards), or an existing one at {@code --bootstrap}. When the run opens: a new topic with {@code --partitions} partitions (replication factor 1), one
 * {@link KafkaConsumer} in a new group that owns every partition, and one {@link KafkaProducer} that knows every
 * partition's leader. Both are kept from the warm-up into the measured phase (a new client per phase made the
 * measured phase start cold); the topic is deleted when the run closes.
 *
 * <p>Producer settings (everything else is Kafka's default: {@code max.in.flight.requests.per.connection} 5,
 * {@code buffer.memory} 32 MiB, {@code compression.type} none):
 * <ul>
 *   <li>{@code batch.size} = {@code --batch-size} (bytes, the same unit) and {@code linger.ms} = {@code --linger},
 *       rounded up to whole milliseconds, when the workload gives them; otherwise Kafka's own defaults, 16384 and
 *       5 ms (KIP-1030), which the details mark as such.</li>
 *   <li>{@code --acks none} = {@code acks=0}, {@code appended} = {@code acks=1} (the leader appended it),
 *       {@code stored} = {@code acks=all} with {@code enable.idempotence=true} (which Kafka requires acks=all for;
 *       the other two set it false). Kafka does not fsync each write by default: it counts on replication, so on
 *       one node {@code all} means in the leader's log (page cache), like {@code 1}, plus idempotence.</li>
 *   <li>Records carry the keys of {@code --keys} ({@link Keys}), or none. {@code --partitioner round-robin} =
 *       {@link RoundRobinPartitioner}; {@code sticky}, {@code key-hash} and {@code random} = Kafka's built-in
 *       partitioner: murmur2 of the key for keyed records (as Sluice's {@code key-hash}), and for keyless records
 *       the uniform sticky one (a partition until a batch is full, then another).</li>
 * </ul>
 * {@code send} waits when the producer's buffer is full, so the records are sent from a plain thread of their own
 * ({@link PeerTargets#publishOnOwnThread}; publishing on the payload thread instead lost
 * Kafka up to 14% in a parity round: its {@code send} does the partitioning and serialising the hand-off overlaps). Each send's callback counts an acknowledgement (with {@code acks=0} too: the
 * callback then comes once the request is written).
 *
 * <p>Consumer settings: {@code auto.offset.reset=earliest}, {@code max.poll.records} = {@code --prefetch} when given
 * (else Kafka's 500), and everything else Kafka's defaults, as ConsumerPerformance runs it: offsets committed by the
 * auto-commit every 5 s and on close, the classic group protocol, {@code fetch.min.bytes=1}. It polls on a plain
 * thread of its own, reporting to the probe of the current phase. The settings used, and at each phase's end the
 * producer's own batching, retry and error metrics, go into the result's details.
 *
 * <p>The parts: {@link KafkaTopics} (admin: the run's topic), {@link KafkaPublisher} and {@link KafkaReader} (the
 * producing and consuming sides); this class chooses the settings and runs the phases.
 */
public final class KafkaTarget implements Target {
    public static final String NAME = "kafka";
    /** Kafka's default {@code max.request.size} is 1 MiB, record and batch overhead included. */
    public static final int MAX_RECORD_SIZE = 1_000_000;
    /** Kafka 4's default {@code batch.size}, bytes (as its ProducerPerformance runs). */
    public static final int DEFAULT_BATCH_SIZE = 16_384;
    /** Kafka 4's default {@code linger.ms} (KIP-1030). */
    public static final int DEFAULT_LINGER_MS = 5;
    /** Kafka's default {@code max.poll.records}. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 500;
    /** How long admin calls and the wait for the consumer's partitions may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long closing a client may take. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Kafka's own defaults of the settings the workload may leave to the target ({@link Workload#ownDefaults()}): they
     * are not set, and the details say so.
     */
    static final Map<String, Object> PRODUCER_DEFAULTS = Map.of(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS,
            ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
    /** As {@link #PRODUCER_DEFAULTS}, for the consumer. */
    static final Map<String, Object> CONSUMER_DEFAULTS = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, DEFAULT_MAX_POLL_RECORDS);

    private final String bootstrap;
    private KafkaCluster broker;
    private String address;
    private KafkaTopics topics;
    private String topic;
    private KafkaReader reader;
    private KafkaProducer<byte[], byte[]> producer;

    /** @param bootstrap an existing broker's {@code host:port[,...]}, or null to start one in a child JVM */
    public KafkaTarget(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Kafka " + (bootstrap == null ? "(a single-node KRaft broker in a child JVM)" : "at " + bootstrap)
                + ": a topic and a producer and consumer per run, batch.size/linger.ms/max.poll.records from --batch-size/"
                + "--linger/--prefetch (else Kafka's defaults), acks 0/1/all as --acks says";
    }

    @Override
    public boolean hasAcks() {
        return true;
    }

    @Override
    public void validate(Workload workload) {
        PeerTargets.requireOneProducerAndConsumer(NAME, workload);
        requireRecordSize(NAME, workload);
    }

    /** Rejects records larger than Kafka's default {@code max.request.size} lets a producer send, for target {@code name}. */
    public static void requireRecordSize(String name, Workload workload) {
        if (workload.recordSize() > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--size must be at most %,d bytes for the %s"
                    + " target (Kafka's default max.request.size), was %,d", MAX_RECORD_SIZE, name, workload.recordSize()));
        }
    }

    @Override
    public void open(Workload workload) {
        if (bootstrap == null) {
            broker = startBroker();
            address = broker.bootstrap();
        } else {
            address = bootstrap;
        }
        topics = KafkaTopics.connect(address);
        topic = PeerTargets.phaseName();
        topics.create(topic, workload.partitions());
        reader = new KafkaReader(withClient(consumerSettings(workload), topic, "consumer", ConsumerConfig.GROUP_ID_CONFIG, topic),
                topic, workload.partitions());
        reader.awaitAssignment(TIMEOUT);
        producer = new KafkaProducer<>(withClient(producerSettings(workload), topic, "producer"), new ByteArraySerializer(),
                new ByteArraySerializer());
        topics.awaitLeaders(producer, topic, workload.partitions());
    }

    /**
     * The broker the target starts without {@code --bootstrap}: a one-node KRaft cluster (broker and controller in one
     * child JVM) with the heap and GC flags of Kafka's own start scripts ({@link ChildJvm#SERVER_FLAGS}), returned once
     * it is ready. Also {@code parity}'s broker.
     *
     * @throws TargetUnavailableException when it cannot be started or is not ready in time; the message ends with the
     *                                    tail of its log
     */
    public static KafkaCluster startBroker() {
        return startBroker(NAME);
    }

    /**
     * The same broker for target {@code name} ({@code sluice-kafka} runs on one started so), whose name begins the
     * message of a {@link TargetUnavailableException}.
     */
    public static KafkaCluster startBroker(String name) {
        try {
            return KafkaCluster.start(1, ChildJvm.SERVER_FLAGS);
        } catch (ChildJvmException e) {
            throw new TargetUnavailableException(name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        probe.detail("kafka", String.format(Locale.ROOT, "broker %s; topic %s, %d partitions, replication factor 1, for the"
                        + " whole run; one producer and one consumer, created when the run opened and kept from the warm-up"
                        + " into the measured phase; producer %s%s; consumer %s (everything else Kafka's defaults, offsets"
                        + " committed by the consumer's auto-commit)",
                broker != null ? broker.describe() : "at --bootstrap " + address, topic, workload.partitions(),
                settings(producerSettings(workload), PRODUCER_DEFAULTS),
                producerSettings(workload).containsKey(ProducerConfig.PARTITIONER_CLASS_CONFIG) ? ""
                        : ", built-in partitioner (sticky for keyless records)",
                settings(consumerSettings(workload), CONSUMER_DEFAULTS)));
        reader.phase(probe);
        Disposable sending = PeerTargets.publishOnOwnThread(payloads, "sluice-perf-kafka-publisher",
                new KafkaPublisher(producer, topic, probe, Keys.of(workload)));
        return () -> {
            sending.dispose();
            probe.detail("kafka producer", KafkaClientMetrics.PRODUCER.describe(topic + "-producer"));
            probe.detail("kafka consumer", KafkaClientMetrics.CONSUMER.describe(topic + "-consumer"));
            reader.phase(null);
        };
    }

    /** The producer settings for {@code workload} (see the class comment); knobs left to the target are not set. */
    public static Map<String, Object> producerSettings(Workload workload) {
        Map<String, Object> s = new LinkedHashMap<>();
        String acks = switch (workload.acks()) {
            case NONE -> "0";
            case APPENDED -> "1";
            case STORED -> "all";
        };
        s.put(ProducerConfig.ACKS_CONFIG, acks);
        s.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, workload.acks() == Acks.STORED);
        if (!workload.ownDefault(Workload.Knob.BATCH_SIZE)) {
            s.put(ProducerConfig.BATCH_SIZE_CONFIG, workload.batchSize());
        }
        if (!workload.ownDefault(Workload.Knob.LINGER)) {
            long lingerNanos = workload.linger().toNanos();
            s.put(ProducerConfig.LINGER_MS_CONFIG, (lingerNanos + 999_999) / 1_000_000);
        }
        if (workload.partitioner() == PartitionerKind.ROUND_ROBIN) {
            s.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RoundRobinPartitioner.class.getName());
        }
        return s;
    }

    /** The consumer settings for {@code workload} (see the class comment); knobs left to the target are not set. */
    static Map<String, Object> consumerSettings(Workload workload) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (!workload.ownDefault(Workload.Knob.PREFETCH)) {
            s.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, workload.prefetch());
        }
        return s;
    }

    /** {@code settings} as {@code key=value, ...}, then each of {@code defaults} not set as {@code key=value (default)}. */
    private static String settings(Map<String, Object> settings, Map<String, Object> defaults) {
        String set = settings(settings);
        String left = defaults.entrySet().stream()
                .filter(d -> !settings.containsKey(d.getKey()))
                .map(d -> d.getKey() + "=" + d.getValue() + " (Kafka's default)")
                .sorted()
                .collect(Collectors.joining(", "));
        return left.isEmpty() ? set : set + ", " + left;
    }

    /** {@code settings} as {@code key=value, ...}; for the details. */
    private static String settings(Map<String, Object> settings) {
        return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** {@code settings} plus the address, a client id and the given extra pairs. */
    private Map<String, Object> withClient(Map<String, Object> settings, String topic, String role, Object... more) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
        all.put(ProducerConfig.CLIENT_ID_CONFIG, topic + "-" + role);
        for (int i = 0; i + 1 < more.length; i += 2) {
            all.put((String) more[i], more[i + 1]);
        }
        return all;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
            producer = null;
        }
        if (reader != null) {
            reader.stop();
            reader = null;
        }
        if (topic != null && topics != null) {
            topics.delete(topic);
            topic = null;
        }
        if (topics != null) {
            topics.close();
            topics = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
