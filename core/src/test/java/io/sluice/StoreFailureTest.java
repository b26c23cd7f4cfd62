package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.SluiceException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * What the engine does when its durable store fails a write: no send fails; the batch's {@code STORED}
 * acknowledgement (and the partition's new appends) wait until the engine has stored the failed batch after all (or
 * found that it landed), and then each record is acknowledged once and stored once. Only a partition that closes
 * meanwhile fails the wait, saying the batch may be stored. A crash before the repair leaves a gap that recovery
 * removes, with nothing acknowledged behind it.
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

    /** Waits until the store has failed {@code n} writes in all: the engine's first write and its repair's attempts. */
    private void awaitFailedWrites(long n) {
        StepVerifier.create(Flux.interval(Duration.ofMillis(5)).filter(i -> store.failedWrites() >= n).next())
                .expectNextCount(1).expectComplete().verify(TIMEOUT);
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
    void aFailedStoreWriteFailsNoSendItsAcknowledgementAndNewAppendsWaitUntilTheEngineHasStoredItAgain() {
        sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
        Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED));
        StepVerifier.create(send(producer, 0, 100)).expectNextCount(100).expectComplete().verify(TIMEOUT);

        store.fault(Fault.DOWN);
        List<SendResult<Long>> failedWrite = new CopyOnWriteArrayList<>();
        List<SendResult<Long>> meanwhile = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        send(producer, 100, 10).doFinally(s -> done.countDown()).subscribe(failedWrite::add, errors::add);
        awaitFailedWrites(1);
        // a send arriving while the engine repairs waits too, acks APPENDED as well as STORED
        sluice.producer(ProducerOptions.create().acks(Acks.APPENDED)).send(records(110, 1)).doFinally(s -> done.countDown())
                .subscribe(meanwhile::add, errors::add);
        awaitFailedWrites(3); // the engine tried to store the batch again, twice, while the store was down
        assertThat(failedWrite).as("nothing acknowledged while the store is down").isEmpty();
        assertThat(meanwhile).as("nothing appended while the store is down").isEmpty();
        assertThat(errors).as("no send failed").isEmpty();

        store.fault(Fault.NONE);
        StepVerifier.create(Flux.interval(Duration.ofMillis(5)).filter(i -> done.getCount() == 0).next())
                .expectNextCount(1).expectComplete().verify(TIMEOUT);
        assertThat(errors).isEmpty();
        assertThat(failedWrite).extracting(SendResult::offset).containsExactlyElementsOf(
                LongStream.range(100, 110).boxed().toList());
        assertThat(meanwhile).extracting(SendResult::offset).containsExactly(110L);
        assertStoredDense(111);
        assertThat(store.writes()).as("every batch written once").isEqualTo(store.stored(TP).size());

        sluice.close();
        sluice = open();
        assertThat(sluice.admin().describeTopic("orders").block(TIMEOUT).partitions().get(0).endOffset()).isEqualTo(111L);
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("audit").topics("orders")).receiveAutoAck().take(111)
                        .map(Messages::seq))
                .expectNextSequence(LongStream.range(0, 111).boxed().toList())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aWriteThatLandedThoughItsAnswerWasLostIsAcknowledgedAndNotStoredTwice() {
        sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
        Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED));
        StepVerifier.create(send(producer, 0, 10)).expectNextCount(10).expectComplete().verify(TIMEOUT);

        store.fault(Fault.ANSWER_LOST); // stays so: the repair finds the batch stored and writes nothing
        StepVerifier.create(send(producer, 10, 10)).expectNextCount(10).expectComplete().verify(TIMEOUT);
        assertThat(store.failedWrites()).as("writes whose answer was lost (a batch each)").isPositive();
        store.fault(Fault.NONE);
        StepVerifier.create(send(producer, 20, 10)).expectNextCount(10).expectComplete().verify(TIMEOUT);

        assertStoredDense(30);
        assertThat(store.writes()).as("every batch written once: the engine found the lost answer's batch stored")
                .isEqualTo(store.stored(TP).size());
    }

    @Test
    void deletingATopicWhileItsStoreIsDownFailsTheWaitingSendSayingItsRecordsMayBeStored() {
        sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
        Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED));
        store.fault(Fault.DOWN);
        Flux<SendResult<Long>> waiting = send(producer, 0, 1).cache(); // one batch, whose write fails
        waiting.subscribe(r -> { }, e -> { });
        awaitFailedWrites(1);

        sluice.admin().deleteTopic("orders").block(TIMEOUT);
        StepVerifier.create(waiting)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("orders-0").hasMessageContaining("may be stored");
                    assertThat(((SluiceException) e).isOutcomeUnknown()).isTrue();
                })
                .verify(TIMEOUT);
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
