package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Sluice;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.DisconnectedException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** What {@link KafkaSluice} does beyond the core's contract, or differently: Kafka's own groups, topics and errors. */
@ExtendWith(SharedCluster.class)
class KafkaGroupTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private Sluice sluice;

    @BeforeEach
    void connect() {
        sluice = KafkaSluice.connect(KafkaOptions.create().bootstrap(SharedCluster.cluster().bootstrap()));
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void eachRebalanceOfAGroupIsAnnouncedWithTheNextGeneration() {
        String topic = unique("rebalance");
        String group = unique("group");
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of(topic).partitions(4))).verifyComplete();
        Consumer a = sluice.consumer(ConsumerOptions.create(group).topics(topic));
        Consumer b = sluice.consumer(ConsumerOptions.create(group).topics(topic));
        Set<TopicPartition> all = Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2),
                new TopicPartition(topic, 3));
        Disposable[] subscriptionOfB = new Disposable[1];
        int[] first = new int[1];
        Disposable subscriptionOfA = a.receive().subscribe();
        try {
            StepVerifier.create(a.rebalances().take(3))
                    .assertNext(e -> {
                        first[0] = e.generation();
                        assertThat(e.assigned()).isEqualTo(all);
                        assertThat(e.added()).isEqualTo(all);
                    })
                    .then(() -> subscriptionOfB[0] = b.receive().subscribe())
                    .assertNext(e -> {
                        assertThat(e.generation()).isEqualTo(first[0] + 1);
                        assertThat(e.assigned()).hasSize(2);
                        assertThat(e.revoked()).hasSize(2);
                        subscriptionOfB[0].dispose();
                    })
                    .assertNext(e -> {
                        assertThat(e.generation()).isEqualTo(first[0] + 2);
                        assertThat(e.assigned()).isEqualTo(all);
                        assertThat(e.added()).hasSize(2);
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(sluice.admin().describeGroup(group))
                    .assertNext(g -> {
                        assertThat(g.generation()).isEqualTo(first[0] + 2);
                        assertThat(g.members()).singleElement().satisfies(m -> assertThat(m.assignment()).hasSize(4));
                    })
                    .verifyComplete();
        } finally {
            subscriptionOfA.dispose();
        }
    }

    /**
     * Kafka's answers come back to the thread that sends to Kafka, never Kafka's I/O thread: the code downstream of a
     * send runs there, and Reactor refuses a {@code block()} in it as on its own threads.
     */
    @Test
    void aSendsResultsComeOnTheSendThreadWhereBlockIsRefused() {
        String topic = unique("results");
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of(topic))).verifyComplete();
        StepVerifier.create(sluice.producer(ProducerOptions.create())
                        .send(Flux.range(0, 3).map(i -> OutboundMessage.of(topic, (byte[]) null, new byte[1], i)))
                        .map(r -> Thread.currentThread().getName() + ", non-blocking " + Schedulers.isInNonBlockingThread())
                        .take(1)
                        .concatWith(Mono.fromCallable(() -> Mono.delay(Duration.ofMillis(1)).thenReturn("blocked").block()).onErrorResume(IllegalStateException.class,
                                e -> Mono.just("refused: " + e.getMessage()))))
                .assertNext(where -> assertThat(where).startsWith("sluice-kafka-producer-").endsWith(", non-blocking true"))
                .assertNext(blocking -> assertThat(blocking).startsWith("refused: ").contains("sluice-kafka-producer-"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void keyHashChoosesThePartitionKafkasDefaultPartitionerChooses() {
        String topic = unique("keys");
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of(topic).partitions(7))).verifyComplete();
        List<SendResult<String>> results = sluice.producer(ProducerOptions.create())
                .send(Flux.range(0, 200).map(i -> OutboundMessage.of(topic, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        new byte[1], "key-" + i)))
                .collectList().block(TIMEOUT);
        Map<String, Integer> bySluice = new HashMap<>();
        results.forEach(r -> bySluice.put(r.correlation(), r.partition()));
        Map<String, Integer> byKafka = new HashMap<>();
        Map<String, Object> config = Map.of("bootstrap.servers", SharedCluster.cluster().bootstrap());
        try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 200; i++) {
                RecordMetadata m = plain.send(new ProducerRecord<>(topic, ("key-" + i).getBytes(StandardCharsets.UTF_8), new byte[1]))
                        .get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                byKafka.put("key-" + i, m.partition());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(bySluice).hasSize(200).isEqualTo(byKafka);
    }

    @Test
    void topicSettingsAreKafkasTopicConfigsAndWhatKafkaCannotKeepIsRefused() {
        String topic = unique("settings");
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of(topic).partitions(2).retentionAge(Duration.ofHours(1))
                .setting("replication.factor", "3").setting("min.insync.replicas", "2").setting("cleanup.policy", "delete")))
                .verifyComplete();
        StepVerifier.create(sluice.admin().describeTopic(topic))
                .assertNext(t -> {
                    assertThat(t.spec().partitions()).isEqualTo(2);
                    assertThat(t.spec().retentionAge()).isEqualTo(Duration.ofHours(1));
                    assertThat(t.spec().settings()).containsEntry("replication.factor", "3").containsEntry("min.insync.replicas", "2");
                })
                .verifyComplete();
        assertThatThrownBy(() -> sluice.admin().createTopic(TopicSpec.of(unique("ring")).overflow(OverflowPolicy.DROP_OLDEST)).block())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DROP_OLDEST").hasMessageContaining("retention");
        assertThatThrownBy(() -> sluice.admin().createTopic(TopicSpec.of(unique("count")).retentionRecords(1000)).block())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record count");
        assertThatThrownBy(() -> sluice.admin().createTopic(TopicSpec.of(unique("rf")).setting("replication.factor", "three")).block())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replication.factor").hasMessageContaining("three");
    }

    @Test
    void errorsNameTheBootstrapAddress() {
        String bootstrap = SharedCluster.cluster().bootstrap();
        StepVerifier.create(sluice.admin().describeTopic("no-such-topic"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnknownTopicException.class).hasMessageContaining(bootstrap))
                .verify(TIMEOUT);
        StepVerifier.create(sluice.producer(ProducerOptions.create().acks(Acks.STORED)).send(OutboundMessage.of("no-such-topic", new byte[1])))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnknownTopicException.class).hasMessageContaining(bootstrap))
                .verify(TIMEOUT);
        assertThatThrownBy(() -> KafkaSluice.connect(KafkaOptions.create().bootstrap("127.0.0.1:1").requestTimeout(Duration.ofSeconds(2))
                .property("sasl.jaas.config", "secret-value")))
                .isInstanceOf(DisconnectedException.class)
                .hasMessageContaining("127.0.0.1:1")
                .satisfies(e -> assertThat(((DisconnectedException) e).isRetriable()).isTrue())
                .hasMessageNotContaining("secret-value");
    }

    @Test
    void settingsSluiceDecidesAreRefusedNamingTheOptionThatDoes() {
        assertThatThrownBy(() -> KafkaOptions.create().property("group.id", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group.id").hasMessageContaining("ConsumerOptions.create(group)");
        assertThatThrownBy(() -> KafkaOptions.create().property("acks", "all"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ProducerOptions.acks");
        assertThatThrownBy(() -> KafkaOptions.create().bootstrap("localhost"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> KafkaSluice.connect(KafkaOptions.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap");
        assertThat(KafkaOptions.create().bootstrap("h:1").property("ssl.truststore.password", "pw").toString())
                .contains("ssl.truststore.password=[hidden]").doesNotContain("pw,").doesNotContain("=pw");
    }
}
