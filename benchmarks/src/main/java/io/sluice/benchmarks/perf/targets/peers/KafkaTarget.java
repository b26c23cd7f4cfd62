package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Keys;
import io.sluice.benchmarks.perf.workload.PartitionerKind;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * {@code kafka}: Apache Kafka, driven as its own tools and a running application drive it.
 *
 * <p>The broker is a single-node KRaft broker that the target starts in a child JVM ({@link KafkaBroker}: its CPU
 * and GC are its own, its data in a temporary directory, removed afterwards), or an existing one at
 * {@code --bootstrap}. When the run opens: a new topic with {@code --partitions} partitions (replication factor 1), one
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
 */
public final class KafkaTarget implements Target {
    public static final String NAME = "kafka";
    /** Kafka's default {@code max.request.size} is 1 MiB, record and batch overhead included. */
    static final int MAX_RECORD_SIZE = 1_000_000;
    /** How long admin calls and the wait for the consumer's partitions may take. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long the first contact with the broker may take before it counts as unreachable. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Kafka's own defaults of the settings the workload may leave to the target ({@link Workload#ownDefaults()}): they
     * are not set, and the details say so.
     */
    static final Map<String, Object> PRODUCER_DEFAULTS = Map.of(ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 16_384);
    /** As {@link #PRODUCER_DEFAULTS}, for the consumer. */
    static final Map<String, Object> CONSUMER_DEFAULTS = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);

    private final String bootstrap;
    private KafkaBroker broker;
    private String address;
    private Admin admin;
    private String topic;
    private Reader reader;
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
        if (workload.recordSize() > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--size must be at most %,d bytes for the kafka"
                    + " target (Kafka's default max.request.size), was %,d", MAX_RECORD_SIZE, workload.recordSize()));
        }
    }

    @Override
    public void open(Workload workload) {
        if (bootstrap == null) {
            broker = KafkaBroker.start();
            address = broker.bootstrap();
        } else {
            address = bootstrap;
        }
        try {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address,
                    AdminClientConfig.CLIENT_ID_CONFIG, "sluice-perf-admin-" + ProcessHandle.current().pid(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
            Collection<?> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) CONNECT_TIMEOUT.toMillis()))
                    .nodes().get(CONNECT_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException("the cluster has no brokers");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("kafka: cannot connect to " + address + ": interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new TargetUnavailableException("kafka: cannot connect to " + address + ": " + TargetUnavailableException.oneLine(cause), cause);
        }
        topic = PeerTargets.phaseName();
        createTopic(topic, workload.partitions());
        reader = new Reader(withClient(consumerSettings(workload), topic, "consumer", ConsumerConfig.GROUP_ID_CONFIG, topic),
                topic, workload.partitions());
        reader.awaitAssignment(TIMEOUT);
        producer = new KafkaProducer<>(withClient(producerSettings(workload), topic, "producer"), new ByteArraySerializer(),
                new ByteArraySerializer());
        awaitLeaders(producer, topic, workload.partitions());
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
                new Publisher(producer, topic, probe, Keys.of(workload)));
        return () -> {
            sending.dispose();
            probe.detail("kafka producer", producerMetrics(producer));
            reader.phase(null);
        };
    }

    /**
     * Waits until the producer knows a leader for every partition, as a producer that has been running would: the
     * first send would otherwise wait for the topic's metadata, and a brand-new partition may refuse the first
     * batches (a retry, which with {@code acks} 0 or 1 may reorder them).
     */
    private void awaitLeaders(KafkaProducer<byte[], byte[]> producer, String topic, int partitions) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (;;) {
            List<PartitionInfo> infos = producer.partitionsFor(topic);
            if (infos.size() == partitions && infos.stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty())) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TargetUnavailableException("kafka: topic " + topic + " at " + address + " has no leader for every"
                        + " partition after " + Durations.format(TIMEOUT), null);
            }
            pause();
        }
    }

    /** What the producer's own metrics say so far (the run's producer): batching, retries, errors; for the details. */
    private static String producerMetrics(KafkaProducer<byte[], byte[]> producer) {
        Map<String, Object> wanted = new LinkedHashMap<>();
        for (String name : List.of("batch-size-avg", "records-per-request-avg", "record-retry-total", "record-error-total")) {
            wanted.put(name, "n/a");
        }
        for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
            if (m.getKey().group().equals("producer-metrics") && wanted.containsKey(m.getKey().name())) {
                Object v = m.getValue().metricValue();
                wanted.put(m.getKey().name(), v instanceof Double d
                        ? String.format(Locale.ROOT, d == Math.rint(d) ? "%,.0f" : "%,.1f", d) : v);
            }
        }
        return settings(wanted);
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

    /** Creates the run's topic; retries while the broker is still getting ready (a fresh broker may be). */
    private void createTopic(String topic, int partitions) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (;;) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                boolean transient_ = cause instanceof RetriableException || cause instanceof InvalidReplicationFactorException;
                if (!transient_ || System.nanoTime() - deadline > 0) {
                    throw new TargetUnavailableException("kafka: creating topic " + topic + " at " + address + " failed: "
                            + TargetUnavailableException.oneLine(cause), cause);
                }
            } catch (TimeoutException e) {
                throw new TargetUnavailableException("kafka: creating topic " + topic + " at " + address + " timed out", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException("kafka: interrupted while creating topic " + topic, e);
            }
            pause();
        }
    }

    /** A pause between two tries of something the broker is not ready for yet; each loop has its own deadline. */
    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("kafka: interrupted while waiting for the broker", e);
        }
    }

    private void deleteTopic(String topic) {
        try {
            admin.deleteTopics(List.of(topic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // a child broker goes with its directory; an existing one keeps the topic: nothing else to do
        }
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
        if (topic != null && admin != null) {
            deleteTopic(topic);
            topic = null;
        }
        if (admin != null) {
            admin.close(CLOSE_TIMEOUT);
            admin = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** Sends each record with its key ({@link Keys}, none for keyless workloads); counts each callback as an acknowledgement or a failure. */
    private static final class Publisher extends BaseSubscriber<byte[]> {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final Probe probe;
        private final Keys keys;
        private final AtomicLong outstanding = new AtomicLong();
        private volatile boolean sourceDone;

        Publisher(KafkaProducer<byte[], byte[]> producer, String topic, Probe probe, Keys keys) {
            this.producer = producer;
            this.topic = topic;
            this.probe = probe;
            this.keys = keys;
        }

        @Override
        protected void hookOnNext(byte[] value) {
            outstanding.incrementAndGet();
            try {
                producer.send(new ProducerRecord<>(topic, keys.key(Payload.seq(value)), value), this::completed);
            } catch (InterruptException e) {
                cancel(); // the phase is being stopped
            } catch (KafkaException e) {
                probe.failed(e);
                cancel();
            }
        }

        /**
         * On the producer's I/O thread (the probe's single acknowledgement writer); a send that fails at once
         * completes on the publishing thread, but only as a failure.
         */
        private void completed(RecordMetadata metadata, Exception error) {
            if (error != null) {
                probe.failed(error);
                return;
            }
            probe.acked();
            if (outstanding.decrementAndGet() == 0 && sourceDone) {
                probe.acksCompleted();
            }
        }

        @Override
        protected void hookOnComplete() {
            sourceDone = true;
            if (outstanding.get() == 0) {
                probe.acksCompleted();
            }
        }

        @Override
        protected void hookOnError(Throwable e) {
            probe.failed(e);
        }
    }

    /**
     * Polls on a plain thread of its own for the whole run, reporting each record to the probe of the current phase;
     * offsets are committed by the consumer's auto-commit (Kafka's default: every 5 s, and on close).
     */
    private static final class Reader implements Runnable, ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final int partitions;
        private final CountDownLatch assigned = new CountDownLatch(1);
        private final Thread thread;
        private volatile Probe probe;
        private volatile boolean stopping;
        private volatile Throwable error;
        private int assignedPartitions;

        Reader(Map<String, Object> settings, String topic, int partitions) {
            this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.topic = topic;
            this.partitions = partitions;
            this.thread = new Thread(this, "sluice-perf-kafka-consumer");
            thread.setDaemon(true);
            thread.start();
        }

        /** The probe the records of the phase starting now go to; null between phases. */
        void phase(Probe next) {
            probe = next;
            Throwable e = error;
            if (next != null && e != null) {
                next.failed(e);
            }
        }

        @Override
        public void run() {
            try {
                consumer.subscribe(List.of(topic), this);
                while (!stopping) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                    Probe p = probe;
                    if (p == null) {
                        continue; // between phases nothing is sent
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        byte[] value = r.value();
                        p.received(r.partition(), Payload.seq(value), Payload.intendedNanos(value), System.nanoTime());
                    }
                }
            } catch (WakeupException | InterruptException e) {
                if (!stopping) {
                    fail(e);
                }
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            }
        }

        private void fail(Throwable e) {
            error = e;
            Probe p = probe;
            if (p != null) {
                p.failed(e);
            }
            assigned.countDown();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> added) {
            assignedPartitions += added.size();
            if (assignedPartitions >= partitions) {
                assigned.countDown();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            assignedPartitions -= revoked.size();
        }

        /** Waits until the consumer owns every partition, so that the producer starts against a ready reader. */
        void awaitAssignment(Duration timeout) {
            try {
                if (!assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new TargetUnavailableException("kafka: the consumer got no partitions of " + topic + " within "
                            + Durations.format(timeout), null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException("kafka: interrupted while the consumer joined its group", e);
            }
            Throwable e = error;
            if (e != null) {
                throw new TargetUnavailableException("kafka: the consumer of " + topic + " failed: " + TargetUnavailableException.oneLine(e), e);
            }
        }

        /** Stops polling and waits for the thread, which closes the consumer (committing its position). */
        void stop() {
            stopping = true;
            consumer.wakeup();
            try {
                thread.join(CLOSE_TIMEOUT.toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
