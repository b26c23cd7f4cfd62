package io.sluice.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Sluice;
import io.sluice.admin.GroupDescription;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.errors.UnknownGroupException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.producer.OutboundMessage;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The kit's helpers: send, records(topic), firstRecords and awaitRecords, a group's lag. */
@SluiceTest
@SluiceTopic(name = "orders", partitions = 3)
class SluiceTestKitTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void recordsReadsTheTopicFromItsStartSortedByPartitionAndOffsetThenCompletes(SluiceTestKit kit) {
        send(kit, 2, "e");
        send(kit, 0, "a");
        send(kit, 1, "c");
        send(kit, 0, "b");
        send(kit, 2, "f");

        StepVerifier.create(kit.records("orders").map(r -> r.partition() + "@" + r.offset() + ":" + r.valueAsString()))
                .expectNext("0@0:a", "0@1:b", "1@0:c", "2@0:e", "2@1:f")
                .expectComplete()
                .verify(TIMEOUT);
        // each subscription reads from the start again, up to what is there then
        kit.send("orders", null, "g");
        StepVerifier.create(kit.records("orders")).expectNextCount(6).expectComplete().verify(TIMEOUT);
    }

    @Test
    void recordsOfAnEmptyTopicOrOfEmptyPartitionsComplete(SluiceTestKit kit) {
        StepVerifier.create(kit.records("orders")).expectComplete().verify(TIMEOUT);
        send(kit, 1, "only partition 1 has one");
        StepVerifier.create(kit.records("orders").map(Record::valueAsString))
                .expectNext("only partition 1 has one").expectComplete().verify(TIMEOUT);
    }

    @Test
    void recordsOfATopicThatDoesNotExistFailsSaying(SluiceTestKit kit) {
        StepVerifier.create(kit.records("nope")).expectError(UnknownTopicException.class).verify(TIMEOUT);
    }

    @Test
    void sendWritesKeyAndValueAsUtf8(SluiceTestKit kit) {
        assertThat(kit.send("orders", "customer-é", "42,00 €").offset()).isZero();

        Record record = kit.awaitRecords("orders", 1, TIMEOUT).get(0);
        assertThat(record.keyAsString()).isEqualTo("customer-é");
        assertThat(record.valueAsString()).isEqualTo("42,00 €");
        assertThat(kit.send("orders", null, "no key").offset()).isNotNegative();
        assertThat(kit.awaitRecords("orders", 2, TIMEOUT)).filteredOn(r -> !r.hasKey()).hasSize(1);
    }

    @Test
    void awaitRecordsWaitsForRecordsSentLater(SluiceTestKit kit) throws Exception {
        CompletableFuture<List<Record>> two = kit.firstRecords("orders", 2, TIMEOUT).collectList().toFuture();
        kit.send("orders", "k", "first");
        assertThat(two).as("one of the two records it waits for was sent").isNotDone();
        kit.send("orders", "k", "second");

        assertThat(two.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .extracting(Record::valueAsString).containsExactly("first", "second");
        assertThat(kit.awaitRecords("orders", 0, TIMEOUT)).isEmpty();
    }

    @Test
    void awaitRecordsFailsNamingTheTopicWhatArrivedAndTheTimeout(SluiceTestKit kit) {
        assertThatThrownBy(() -> kit.awaitRecords("orders", 3, Duration.ofMillis(200)))
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessage("expected 3 records on topic 'orders' within PT0.2S, but 0 arrived");
    }

    @Test
    void awaitRecordsWaitsForATopicCreatedOnFirstUseAsADeadLetterTopicIs(Sluice sluice, SluiceTestKit kit) {
        kit.send("orders", "k", "poison");
        Disposable billing = sluice.consumer(ConsumerOptions.create("billing").topics("orders").deadLetterTopic("orders.dlt"))
                .process(r -> Mono.error(new IllegalStateException("declined")))
                .subscribe();

        assertThat(kit.awaitRecords("orders.dlt", 1, TIMEOUT)).extracting(Record::valueAsString).containsExactly("poison");
        billing.dispose();
    }

    @Test
    void awaitRecordsOnATopicThatNeverAppearedSaysSo(SluiceTestKit kit) {
        StepVerifier.withVirtualTime(() -> kit.firstRecords("nowhere", 1, Duration.ofMinutes(1)))
                .expectSubscription()
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(AssertionError.class)
                        .hasMessage("expected 1 records on topic 'nowhere' within PT1M, but 0 arrived (the topic does not exist)"))
                .verify(TIMEOUT);
    }

    @Test
    void firstRecordsRunsItsTimeoutInVirtualTime(SluiceTestKit kit) {
        kit.send("orders", "a", "1");
        kit.send("orders", "b", "2");

        // an hour of waiting in the time it takes two records to arrive
        StepVerifier.withVirtualTime(() -> kit.firstRecords("orders", 3, Duration.ofHours(1)))
                .expectSubscription()
                .expectNextCount(2)
                .thenAwait(Duration.ofMinutes(59))
                .expectNoEvent(Duration.ofSeconds(59))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(AssertionError.class)
                        .hasMessage("expected 3 records on topic 'orders' within PT1H, but 2 arrived"))
                .verify(TIMEOUT);
    }

    @Test
    void lagIsWhatTheGroupHasNotCommitted(Sluice sluice, SluiceTestKit kit) {
        for (int i = 0; i < 10; i++) {
            kit.send("orders", "customer-" + i, "order " + i);
        }
        Consumer billing = sluice.consumer(ConsumerOptions.create("billing").topics("orders"));
        StepVerifier.create(billing.receive().take(3).doOnNext(Delivery::ack)).expectNextCount(3).expectComplete().verify(TIMEOUT);
        billing.commit().block(TIMEOUT); // the acknowledgements before the subscription ended, stored

        assertThat(kit.lag("billing")).isEqualTo(7);
        GroupDescription billingGroup = kit.group("billing");
        assertThat(billingGroup.partitions()).hasSize(3);
        assertThat(billingGroup.partitions().stream().mapToLong(GroupDescription.PartitionLag::committedOffset).sum()).isEqualTo(3);
        assertThatThrownBy(() -> kit.lag("nobody")).isInstanceOf(UnknownGroupException.class);
    }

    private static void send(SluiceTestKit kit, int partition, String value) {
        kit.send(OutboundMessage.<Void>of("orders", (String) null, value.getBytes(StandardCharsets.UTF_8), null).withPartition(partition));
    }
}
