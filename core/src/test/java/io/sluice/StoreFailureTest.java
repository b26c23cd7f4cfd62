package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.StoreException;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.TopicPartition;
import io.sluice.testing.DurableMemoryStore;
import io.sluice.testing.DurableMemoryStore.Fault;
import io.sluice.testing.Messages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/**
 * What the engine does when its durable store fails a write: the sends waiting on it fail with
 * {@link StoreException} (not acknowledged), the partition refuses appends until the engine has stored the failed
 * batch after all (or found that it landed), and a crash before that leaves a gap that recovery removes, with
 * nothing acknowledged behind it.
 */
class StoreFailureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private final DurableMemoryStore store = new DurableMemoryStore();
    private Sluice sluice = open();

    private Sluice open() {
        return Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("store-failure"));
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    private static Flux<OutboundMessage<Long>> records(long from, int count) {
        return Flux.range(0, count).map(i -> OutboundMessage.of("orders", (String) null, Messages.value(from + i, 16), from + i));
    }

    private Flux<SendResult<Long>> send(Producer producer, long from, int count) {
        return producer.send(records(from, count));
    }

    /** Sends until the partition takes appends again (the engine repairs in the background, with backoff). */
    private List<SendResult<Long>> sendOnceRepaired(Producer producer, long from, int count) {
        return Flux.defer(() -> send(producer, from, count))
                .retryWhen(Retry.backoff(100, Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200))
                        .filter(StoreException.class::isInstance))
                .collectList()
                .block(TIMEOUT);
    }

    /** The stored batches cover {@code [0, end)} with no gap and no overlap. */
    private void assertStoredDense(long end) {
        NavigableMap<Long, Long> stored = store.stored(TP);
        long next = 0;
        for (Map.Entry<Long, Long> e : stored.entrySet()) {
            assertThat(e.getKey()).as("stored batch base offset").isEqualTo(next);
            next = e.getValue();
        }
        assertThat(next).as("stored end offset").isEqualTo(end);
    }

    @Test
    void aFailedStoreWriteFailsItsSendsRefusesAppendsAndIsStoredAgainOnceTheStoreIsBack() {
        sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
        Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED));
        StepVerifier.create(send(producer, 0, 100)).expectNextCount(100).expectComplete().verify(TIMEOUT);

        store.fault(Fault.DOWN);
        StepVerifier.create(send(producer, 100, 10))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("orders-0")
                        .hasMessageContaining("not acknowledged"))
                .verify(TIMEOUT);
        // while the store is down the engine keeps trying, and the partition takes nothing new
        StepVerifier.create(send(producer, 110, 1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("not taking appends"))
                .verify(TIMEOUT);

        store.fault(Fault.NONE);
        List<SendResult<Long>> after = sendOnceRepaired(producer, 110, 10);
        assertThat(after).hasSize(10);
        // the failed batch stayed in the log and is now in the store too, before the new records
        assertThat(after.get(0).offset()).isGreaterThanOrEqualTo(100L);
        long end = after.get(9).offset() + 1;
        assertStoredDense(end);

        sluice.close();
        sluice = open();
        assertThat(sluice.admin().describeTopic("orders").block(TIMEOUT).partitions().get(0).endOffset()).isEqualTo(end);
    }

    @Test
    void aWriteThatLandedThoughItsAnswerWasLostIsNotStoredTwice() {
        sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
        Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED));
        StepVerifier.create(send(producer, 0, 10)).expectNextCount(10).expectComplete().verify(TIMEOUT);

        store.fault(Fault.ANSWER_LOST);
        StepVerifier.create(send(producer, 10, 10)).expectError(StoreException.class).verify(TIMEOUT);
        store.fault(Fault.NONE);
        List<SendResult<Long>> after = sendOnceRepaired(producer, 20, 10);

        long end = after.get(after.size() - 1).offset() + 1;
        assertStoredDense(end);
        assertThat(store.writes()).as("every batch written once: the engine found the lost answer's batch stored")
                .isEqualTo(store.stored(TP).size());
    }

    @Test
    void recoveryRemovesWhatFollowsAGapAndGroupsResumeWhereTheLogNowEnds() {
        sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
        // each send's records close as one batch when the send completes
        Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED).linger(Duration.ofHours(1)));
        for (int b = 0; b < 3; b++) { // three batches of ten: offsets 0, 10 and 20
            StepVerifier.create(send(producer, b * 10L, 10)).expectNextCount(10).expectComplete().verify(TIMEOUT);
        }
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("billing").topics("orders").commitInterval(Duration.ZERO))
                        .receive().take(30))
                .thenConsumeWhile(d -> {
                    d.ack();
                    return true;
                })
                .expectComplete()
                .verify(TIMEOUT);
        sluice.close();
        assertThat(store.stored(TP).keySet()).containsExactly(0L, 10L, 20L);

        store.lose(TP, 10); // a write that failed, not yet stored again when the process died
        sluice = open();
        assertThat(sluice.admin().describeTopic("orders").block(TIMEOUT).partitions().get(0).endOffset()).isEqualTo(10L);
        assertThat(store.stored(TP).keySet()).as("the batch after the gap is gone").containsExactly(0L);

        SendResult<Long> next = sluice.producer(ProducerOptions.create().acks(Acks.STORED)).send(records(30, 1)).blockLast(TIMEOUT);
        assertThat(next.offset()).isEqualTo(10L);
        // the group had committed 30; it resumes where the log now ends and receives the new record
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("billing").topics("orders")).receive().take(1))
                .assertNext(d -> assertThat(Messages.seq(d.record())).isEqualTo(30L))
                .expectComplete()
                .verify(TIMEOUT);
        assertStoredDense(11);
    }
}
