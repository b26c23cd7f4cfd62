package io.sluice.kafka.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real clusters of child JVMs: three nodes that survive a SIGKILLed broker without losing an acknowledged record and
 * take it back after its restart, and a cluster whose close leaves no process and no directory behind.
 */
class KafkaClusterTest {
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 3;
    private static final int BATCH = 500;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(240)
    void aBrokerKilledMidRunRejoinsAfterItsRestartAndNoAcknowledgedRecordIsLost() throws Exception {
        try (KafkaCluster kafka = KafkaCluster.start(3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
            assertThat(kafka.size()).isEqualTo(3);
            assertThat(kafka.bootstrap()).isEqualTo(kafka.bootstrap(1) + "," + kafka.bootstrap(2) + "," + kafka.bootstrap(3));
            assertThat(brokers(admin)).containsExactlyInAnyOrder(1, 2, 3);
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            awaitUntil("every partition of " + TOPIC + " has the in-sync replicas 1, 2, 3",
                    () -> inSync(admin).stream().allMatch(isr -> isr.equals(Set.of(1, 2, 3))));
            assertThat(leaders(admin)).as("node 1 leads a partition, which must move when it is killed").contains(1);

            List<String> acknowledged = new ArrayList<>();
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                acknowledged.addAll(send(producer, 0));

                long killed = kafka.pid(1);
                Path meta = kafka.dir(1).resolve("data").resolve("meta.properties"); // cluster id, node id, directory id
                String formatted = Files.readString(meta);
                kafka.kill(1);

                assertThat(kafka.isAlive(1)).isFalse();
                assertThat(ProcessHandle.of(killed).filter(ProcessHandle::isAlive)).as("node 1's process").isEmpty();
                assertThat(meta).as("node 1's data, kept for its restart").exists();
                acknowledged.addAll(send(producer, BATCH)); // acks=all with 2 of 3 replicas, min.insync.replicas=2
                awaitUntil("every partition's in-sync replicas are 2 and 3 while node 1 is down", // the metadata may lag a little
                        () -> inSync(admin).stream().allMatch(isr -> isr.equals(Set.of(2, 3))));

                kafka.restart(1);

                assertThat(kafka.pid(1)).isNotEqualTo(killed);
                assertThat(Files.readString(meta)).as("node 1's storage, not formatted again").isEqualTo(formatted);
                assertThat(brokers(admin)).containsExactlyInAnyOrder(1, 2, 3);
                awaitUntil("node 1 is back in every partition's in-sync replicas",
                        () -> inSync(admin).stream().allMatch(isr -> isr.equals(Set.of(1, 2, 3))));
                acknowledged.addAll(send(producer, 2 * BATCH));
            }

            assertThat(acknowledged).hasSize(3 * BATCH);
            assertThat(consumeAll(kafka, acknowledged.size())).as("every acknowledged record, once")
                    .containsExactlyInAnyOrderElementsOf(acknowledged);
            TopicDescription offsets = describe(admin, "__consumer_offsets");
            assertThat(offsets.partitions()).hasSize(1);
            assertThat(offsets.partitions().get(0).replicas()).as("the group offsets topic's replicas").hasSize(3);
        }
    }

    @Test
    @Timeout(120)
    void closeEndsEveryNodesProcessAndDeletesItsDirectoryKilledOrNot() {
        KafkaCluster kafka = KafkaCluster.start(2);
        List<ProcessHandle> processes = List.of(ProcessHandle.of(kafka.pid(1)).orElseThrow(),
                ProcessHandle.of(kafka.pid(2)).orElseThrow());
        List<Path> dirs = List.of(kafka.dir(1), kafka.dir(2));
        assertThat(dirs).allMatch(Files::isDirectory).doesNotHaveDuplicates();
        assertThat(kafka.describe()).contains("2 child JVMs, pids " + kafka.pid(1) + ", " + kafka.pid(2))
                .contains("Kafka 4.1.2").contains(kafka.bootstrap()).contains(String.join(" ", KafkaCluster.TEST_FLAGS))
                .contains(dirs.get(0).toString()).contains(dirs.get(1).toString());
        assertThatThrownBy(() -> kafka.restart(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("still runs");
        assertThatThrownBy(() -> kafka.kill(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node must be 1 to 2, was 3");
        kafka.kill(2);
        assertThat(kafka.describe()).contains(kafka.pid(2) + " (down)");

        kafka.close();
        kafka.close();

        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(dirs).noneMatch(Files::exists);
        assertThatThrownBy(() -> kafka.restart(2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static KafkaProducer<String, String> producer(KafkaCluster kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
    }

    /**
     * Sends records {@code from} to {@code from + BATCH - 1}, spread over every partition, and returns their values once
     * each is acknowledged.
     */
    private static List<String> send(KafkaProducer<String, String> producer, int from) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = from; i < from + BATCH; i++) {
            String value = "order-" + i;
            sent.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "customer-" + i % 7, value)));
            values.add(value);
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS); // an exception here is a write the cluster refused
        }
        return values;
    }

    /** Reads the topic from the start in a new group until {@code expected} records came or {@link #WAIT} passed. */
    private static List<String> consumeAll(KafkaCluster kafka, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "checker",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < expected && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            // one more poll: anything beyond what was acknowledged (a duplicate) would show here
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static List<Integer> brokers(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get(WAIT.toSeconds(), TimeUnit.SECONDS).stream().map(Node::id)
                .collect(Collectors.toList());
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(WAIT.toSeconds(), TimeUnit.SECONDS).get(topic);
    }

    /** Each partition's in-sync replicas, by node id. */
    private static List<Set<Integer>> inSync(Admin admin) {
        return partitions(admin).stream().map(p -> p.isr().stream().map(Node::id).collect(Collectors.toSet()))
                .collect(Collectors.toList());
    }

    private static Set<Integer> leaders(Admin admin) {
        return partitions(admin).stream().map(p -> p.leader().id()).collect(Collectors.toSet());
    }

    private static Collection<TopicPartitionInfo> partitions(Admin admin) {
        try {
            return describe(admin, TOPIC).partitions();
        } catch (ExecutionException e) {
            throw new IllegalStateException("describing " + TOPIC + " failed", e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming it when {@link #WAIT} passes first. */
    private static void awaitUntil(String condition, BooleanSupplier holds) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!holds.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + condition);
            }
            Thread.sleep(100);
        }
    }
}
