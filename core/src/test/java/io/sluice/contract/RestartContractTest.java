package io.sluice.contract;

import static io.sluice.testing.Messages.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.StartPosition;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetStore;
import io.sluice.partition.Partitioners;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.testing.CountingLogStore;
import io.sluice.testing.Messages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * What an engine on a durable store keeps across a restart (close, then a new engine on the same data): topics,
 * every stored record at its offset, each partition's end offset, and every group's committed position. One
 * subclass per durable store supplies {@link #reopen()}.
 */
public abstract class RestartContractTest {
    protected static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The log and offset store, as one object or two. */
    public record Stores(LogStore log, OffsetStore offsets) {
    }

    /** A handle on the test's durable data, as a new process would open it; the data outlives every handle. */
    protected abstract Stores reopen();

    private Sluice open() {
        Stores s = reopen();
        return Sluice.embedded(EngineOptions.create().store(s.log()).offsetStore(s.offsets()).name("restart"));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void topicsRecordsOffsetsAndCommittedPositionsComeBack() {
        String topic = unique("orders");
        List<SendResult<Long>> sent = new ArrayList<>();
        try (Sluice first = open()) {
            StepVerifier.create(first.admin().createTopic(TopicSpec.of(topic).partitions(3).retentionRecords(1_000_000)))
                    .verifyComplete();
            StepVerifier.create(first.producer(ProducerOptions.create().acks(Acks.STORED).partitioner(Partitioners.roundRobin()))
                            .send(Messages.sequence(topic, 3_000, i -> null)))
                    .recordWith(() -> sent)
                    .expectNextCount(3_000)
                    .verifyComplete();
            // the group acknowledges (and commits) its first 1,200 records, then leaves
            StepVerifier.create(first.consumer(ConsumerOptions.create("billing").topics(topic).commitInterval(Duration.ZERO))
                            .receive().take(1_200))
                    .thenConsumeWhile(d -> {
                        d.ack();
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
        }

        try (Sluice second = open()) {
            TopicDescription d = second.admin().describeTopic(topic).block(TIMEOUT);
            assertThat(d).isNotNull();
            assertThat(d.spec().partitions()).isEqualTo(3);
            assertThat(d.partitions()).extracting(TopicDescription.PartitionInfo::endOffset).containsOnly(1_000L);

            // a new member of the group resumes after the committed positions: the 1,800 records not yet acknowledged
            Set<Long> resumed = new HashSet<>();
            StepVerifier.create(second.consumer(ConsumerOptions.create("billing").topics(topic)).receive().take(1_800))
                    .thenConsumeWhile(r -> {
                        resumed.add(seq(r.record()));
                        r.ack();
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(resumed).hasSize(1_800);

            // a new group reads every record again, byte for byte, at the offsets the first engine gave them
            List<Long> all = new ArrayList<>();
            StepVerifier.create(second.consumer(ConsumerOptions.create("audit").topics(topic)).receiveAutoAck().take(3_000))
                    .thenConsumeWhile(r -> {
                        assertThat(r.value()).isEqualTo(Messages.value(seq(r), r.value().length));
                        all.add(seq(r));
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(new HashSet<>(all)).hasSize(3_000);
            Set<Long> committedBefore = new HashSet<>(all);
            committedBefore.removeAll(resumed);
            assertThat(committedBefore).hasSize(1_200);

            // new records continue the offsets
            SendResult<Long> next = second.producer(ProducerOptions.create().acks(Acks.STORED))
                    .send(reactor.core.publisher.Flux.just(OutboundMessage.of(topic, (String) null, Messages.value(3_000, 16), 3_000L)))
                    .blockLast(TIMEOUT);
            assertThat(next).isNotNull();
            assertThat(next.offset()).isEqualTo(1_000L);
        }
    }

    @Test
    void closingTheEngineCommitsWhatItsMembersAcknowledged() {
        String topic = unique("open-member");
        try (Sluice first = open()) {
            StepVerifier.create(first.admin().createTopic(TopicSpec.of(topic))).verifyComplete();
            StepVerifier.create(first.producer(ProducerOptions.create().acks(Acks.STORED)).send(Messages.sequence(topic, 100, i -> null)))
                    .expectNextCount(100)
                    .verifyComplete();
            // a member acknowledges 40 records, commits nothing itself, and is still subscribed when the engine closes
            reactor.core.publisher.Sinks.Empty<Void> readAll = reactor.core.publisher.Sinks.empty();
            first.consumer(ConsumerOptions.create("billing").topics(topic).commitInterval(Duration.ZERO)).receive()
                    .doOnNext(d -> {
                        if (d.record().offset() < 40) {
                            d.ack();
                        } else if (d.record().offset() == 99) {
                            readAll.tryEmitEmpty();
                        }
                    })
                    .subscribe(null, e -> { });
            StepVerifier.create(readAll.asMono()).expectComplete().verify(TIMEOUT);
        }
        try (Sluice second = open()) {
            StepVerifier.create(second.admin().describeGroup("billing"))
                    .assertNext(g -> assertThat(g.partitions()).singleElement()
                            .satisfies(p -> assertThat(p.committedOffset()).isEqualTo(40)))
                    .verifyComplete();
        }
    }

    @Test
    void anEmptyTopicAndOneWhoseRecordsRetentionDeletedKeepTheirEndOffsets() {
        String kept = unique("kept");
        String empty = unique("empty");
        try (Sluice first = open()) {
            StepVerifier.create(first.admin().createTopic(TopicSpec.of(empty))).verifyComplete();
            StepVerifier.create(first.admin().createTopic(TopicSpec.of(kept).retentionRecords(100))).verifyComplete();
            StepVerifier.create(first.producer(ProducerOptions.create().acks(Acks.STORED).batchSize(512))
                            .send(Messages.sequence(kept, 5_000, i -> null)))
                    .expectNextCount(5_000)
                    .verifyComplete();
        }
        try (Sluice second = open()) {
            TopicDescription e = second.admin().describeTopic(empty).block(TIMEOUT);
            assertThat(e).isNotNull();
            assertThat(e.partitions().get(0).endOffset()).isZero();
            TopicDescription k = second.admin().describeTopic(kept).block(TIMEOUT);
            assertThat(k).isNotNull();
            assertThat(k.partitions().get(0).endOffset()).isEqualTo(5_000L);
            assertThat(k.partitions().get(0).startOffset()).as("retention keeps about the last 100 records")
                    .isBetween(4_000L, 4_900L);
            SendResult<Long> next = second.producer(ProducerOptions.create().acks(Acks.STORED))
                    .send(reactor.core.publisher.Flux.just(OutboundMessage.of(kept, (String) null, Messages.value(5_000, 16), 5_000L)))
                    .blockLast(TIMEOUT);
            assertThat(next).isNotNull();
            assertThat(next.offset()).isEqualTo(5_000L);
        }
    }

    /**
     * A restart loads the newest records only (fewer than half of 200,000 are read from the store while the engine
     * starts), and consumers still get every older record from the store, in offset order: a group from its
     * committed position, a new group from the start, another from a timestamp; new records continue the offsets.
     */
    @Test
    void aRestartReadsTheNewestRecordsAndConsumersReadOlderOnesFromTheStore() {
        String topic = unique("history");
        int n = 200_000;
        long t0 = 1_700_000_000_000L;
        try (Sluice first = open()) {
            StepVerifier.create(first.admin().createTopic(TopicSpec.of(topic).retentionBytes(TopicSpec.UNLIMITED).maxBacklog(10L * n)))
                    .verifyComplete();
            StepVerifier.create(first.producer(ProducerOptions.create().acks(Acks.STORED).batchSize(64 * 1024))
                            .send(reactor.core.publisher.Flux.range(0, n).map(i -> OutboundMessage.of(topic, (String) null,
                                    Messages.value(i, 16), (long) i).withTimestamp(t0 + i))))
                    .expectNextCount(n)
                    .verifyComplete();
            StepVerifier.create(first.consumer(ConsumerOptions.create("early").topics(topic).commitInterval(Duration.ZERO))
                            .receive().take(50_000))
                    .thenConsumeWhile(d -> {
                        d.ack();
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
        }

        Stores s = reopen();
        CountingLogStore counting = new CountingLogStore(s.log());
        try (Sluice second = Sluice.embedded(EngineOptions.create().store(counting).offsetStore(s.offsets()).name("restart"))) {
            assertThat(counting.recordsRead()).as("records read from the store while starting").isLessThan(n / 2);
            TopicDescription d = second.admin().describeTopic(topic).block(TIMEOUT);
            assertThat(d).isNotNull();
            assertThat(d.partitions().get(0).startOffset()).isZero();
            assertThat(d.partitions().get(0).endOffset()).isEqualTo(n);

            long[] expected = {50_000};
            StepVerifier.create(second.consumer(ConsumerOptions.create("early").topics(topic)).receiveAutoAck().take(n - 50_000))
                    .thenConsumeWhile(r -> {
                        assertThat(r.offset()).isEqualTo(expected[0]);
                        assertThat(seq(r)).isEqualTo(expected[0]++);
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);

            expected[0] = 0;
            StepVerifier.create(second.consumer(ConsumerOptions.create("audit").topics(topic)).receiveAutoAck().take(n))
                    .thenConsumeWhile(r -> {
                        assertThat(r.offset()).isEqualTo(expected[0]);
                        assertThat(r.value()).isEqualTo(Messages.value(expected[0]++, 16));
                        return true;
                    })
                    .expectComplete()
                    .verify(TIMEOUT);

            StepVerifier.create(second.consumer(ConsumerOptions.create("late").topics(topic)
                            .startPosition(StartPosition.timestamp(Instant.ofEpochMilli(t0 + 30_000)))).receiveAutoAck().take(1))
                    .assertNext(r -> assertThat(r.offset()).isEqualTo(30_000L))
                    .expectComplete()
                    .verify(TIMEOUT);

            SendResult<Long> next = second.producer(ProducerOptions.create().acks(Acks.STORED))
                    .send(reactor.core.publisher.Flux.just(OutboundMessage.of(topic, (String) null, Messages.value(n, 16), (long) n)))
                    .blockLast(TIMEOUT);
            assertThat(next).isNotNull();
            assertThat(next.offset()).isEqualTo(n);
        }
    }
}
