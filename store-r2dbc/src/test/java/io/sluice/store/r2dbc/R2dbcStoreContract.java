package io.sluice.store.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.ClosedException;
import io.sluice.errors.CorruptRecordException;
import io.sluice.errors.TopicExistsException;
import io.sluice.log.BatchBuilder;
import io.sluice.log.OffsetRange;
import io.sluice.log.RecordBatch;
import io.sluice.record.Headers;
import io.sluice.record.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The store contract, the same for every database: a subclass per backend says how to open its storage. */
abstract class R2dbcStoreContract {
    static final TopicPartition TP = TopicPartition.of("orders", 1);

    R2dbcStore store;

    /** Opens the storage of the current test; a second call after close opens the same storage again. */
    abstract R2dbcStore open();

    /** False for a store that keeps nothing once closed. */
    boolean survivesReopen() {
        return true;
    }

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    R2dbcStore reopen() {
        store.close();
        store = open();
        return store;
    }

    /** A batch of {@code count} 100-byte records numbered from {@code base}, timestamps from {@code timestamp}. */
    static RecordBatch batch(long base, int count, long timestamp) {
        BatchBuilder builder = new BatchBuilder(256);
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[100];
            Arrays.fill(value, (byte) (base + i));
            builder.append(timestamp + i, ("k" + (base + i)).getBytes(), value, Headers.empty());
        }
        RecordBatch b = builder.build(-1, -1);
        b.assignBaseOffset(base);
        return b;
    }

    /** Appends {@code batches} batches of 3 records from offset {@code from}, one after the other; returns them. */
    List<RecordBatch> appendBatches(TopicPartition tp, long from, int batches) {
        List<RecordBatch> list = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            RecordBatch b = batch(from + 3L * i, 3, 1_000L * (i + 1));
            store.append(tp, b).block();
            list.add(b);
        }
        return list;
    }

    @Test
    void topicsRoundTripEveryField() {
        TopicSpec full = TopicSpec.of("orders").partitions(8).retentionRecords(1234).retentionBytes(5678)
                .retentionAge(Duration.ofSeconds(90, 123_456_789)).overflow(OverflowPolicy.DROP_OLDEST).maxBacklog(42);
        TopicSpec plain = TopicSpec.of("audit");
        store.createTopic(full).then(store.createTopic(plain)).block();

        assertThat(store.topics().collectList().block()).usingRecursiveFieldByFieldElementComparator()
                .containsExactly(plain, full);
        StepVerifier.create(store.createTopic(TopicSpec.of("orders")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TopicExistsException.class).hasMessageContaining("'orders'"))
                .verify();

        store.deleteTopic("audit").block();
        assertThat(store.topics().map(TopicSpec::name).collectList().block()).containsExactly("orders");
    }

    @Test
    void batchesReadBackByteIdenticalInOrderFromAnyOffset() {
        List<RecordBatch> written = appendBatches(TP, 0, 10);
        appendBatches(TopicPartition.of("orders", 2), 0, 2);

        List<RecordBatch> all = store.read(TP, 0, 100).collectList().block();
        assertThat(all).extracting(RecordBatch::array).containsExactlyElementsOf(written.stream().map(RecordBatch::array).toList());

        assertThat(store.read(TP, 0, 4).map(RecordBatch::baseOffset).collectList().block()).containsExactly(0L, 3L, 6L, 9L);
        // offset 13 is in the middle of the batch 12..14: that batch comes first
        StepVerifier.create(store.read(TP, 13, 2).map(RecordBatch::baseOffset), 0)
                .thenRequest(1).expectNext(12L)
                .thenRequest(5).expectNext(15L)
                .verifyComplete();
        StepVerifier.create(store.read(TP, 30, 10)).verifyComplete();
    }

    @Test
    void concurrentAppendsAreCommittedInFewTransactions() {
        Sinks.Empty<Void> gate = Sinks.empty();
        Mono<Void> held = store.holdWriterUntil(gate.asMono());
        List<Mono<Void>> appends = new ArrayList<>();
        appends.add(held); // subscribes first
        for (int i = 0; i < 1000; i++) {
            appends.add(store.append(TP, batch(3L * i, 3, i)));
        }
        long before = store.transactions();
        // Every append is queued behind the held transaction before it commits: they must then go in one group.
        StepVerifier.create(Mono.when(appends)) // subscribes to all at once, in order
                .then(() -> gate.tryEmitEmpty())
                .verifyComplete();

        long transactions = store.transactions() - before;
        System.out.println("1000 concurrent appends took " + transactions + " transactions (with the held one)");
        assertThat(transactions).isBetween(1L, 3L);
        List<Long> offsets = store.read(TP, 0, 2000).map(RecordBatch::baseOffset).collectList().block();
        assertThat(offsets).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(offsets.get(i)).isEqualTo(3L * i);
        }
    }

    @Test
    void closingWritesTheAppendsStillQueuedBeforeItClosesTheDatabase() {
        // The writer is held for 500 ms; the store closes at once: the ten appends queued behind the held write (an
        // engine acknowledged them at Acks.APPENDED) are written before the database closes, not failed.
        Mono<Void> held = store.holdWriterUntil(Mono.delay(Duration.ofMillis(500)).then());
        List<Mono<Void>> appends = new ArrayList<>();
        appends.add(held);
        for (int i = 0; i < 10; i++) {
            appends.add(store.append(TP, batch(3L * i, 3, i)));
        }
        Mono<Void> written = Mono.when(appends).cache();
        written.subscribe(v -> { }, e -> { });

        reopen();

        StepVerifier.create(written).verifyComplete();
        if (survivesReopen()) {
            assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(0, 30));
        }
    }

    @Test
    void appendsNotHeldBackAlsoCompleteAndAreDense() {
        Flux.range(0, 500).flatMap(i -> store.append(TP, batch(3L * i, 3, i)), 64).then().block();
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(0, 1500));
        assertThat(store.read(TP, 0, 1000).count().block()).isEqualTo(500);
    }

    @Test
    void offsetsKeepTheEndWhenRetentionDeletesEverything() {
        assertThat(store.offsets(TP).block()).isEqualTo(OffsetRange.EMPTY);
        appendBatches(TP, 0, 10);
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(0, 30));

        store.deleteBefore(TP, 16).block(); // 15..17 holds 16: it stays
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(15, 30));
        assertThat(store.read(TP, 0, 1).map(RecordBatch::baseOffset).blockLast()).isEqualTo(15L);

        store.deleteBefore(TP, 30).block();
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(30, 30));
        StepVerifier.create(store.read(TP, 0, 10)).verifyComplete();

        if (survivesReopen()) {
            reopen();
            assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(30, 30));
        }
        appendBatches(TP, 30, 1);
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(30, 33));
    }

    @Test
    void deleteFromRemovesTheBatchesHoldingThatOffsetAndAfterAndTheEndFollows() {
        appendBatches(TP, 0, 5); // 0..14
        appendBatches(TopicPartition.of("orders", 2), 0, 2);

        store.deleteFrom(TP, 7).block(); // 6..8 holds 7: it goes too
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(0, 6));
        assertThat(store.read(TP, 0, 100).map(RecordBatch::baseOffset).collectList().block()).containsExactly(0L, 3L);
        assertThat(store.offsets(TopicPartition.of("orders", 2)).block()).as("other partitions keep theirs")
                .isEqualTo(new OffsetRange(0, 6));

        appendBatches(TP, 6, 1); // new batches take the offsets again
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(0, 9));
        StepVerifier.create(store.deleteFrom(TP, -1)).expectError(IllegalArgumentException.class).verify();
    }

    @Test
    void reopeningRestoresTopicsBatchesOffsetsAndCommittedPositions() {
        assumeThat(survivesReopen()).as("this store keeps nothing once closed").isTrue();
        store.createTopic(TopicSpec.of("orders").partitions(2).retentionAge(Duration.ofMinutes(5))).block();
        List<RecordBatch> written = appendBatches(TP, 0, 5);
        store.commit("billing", Map.of(TP, 7L)).block();

        reopen();
        assertThat(store.topics().collectList().block()).usingRecursiveFieldByFieldElementComparator()
                .containsExactly(TopicSpec.of("orders").partitions(2).retentionAge(Duration.ofMinutes(5)));
        assertThat(store.read(TP, 0, 10).map(RecordBatch::array).collectList().block())
                .containsExactlyElementsOf(written.stream().map(RecordBatch::array).toList());
        assertThat(store.offsets(TP).block()).isEqualTo(new OffsetRange(0, 15));
        assertThat(store.committed("billing").block()).isEqualTo(Map.of(TP, 7L));
    }

    @Test
    void aVersion1StoreIsUpgradedToVersion2KeepingItsBatches() {
        assumeThat(survivesReopen()).as("this store keeps nothing once closed").isTrue();
        appendBatches(TP, 0, 2);
        store.execute("DROP INDEX sluice_batches_offsets").block();
        store.execute("UPDATE sluice_schema SET schema_version = 1").block();
        reopen();
        assertThat(store.execute("UPDATE sluice_schema SET schema_version = 2 WHERE schema_version = 2").block()).isEqualTo(1L);
        assertThat(store.read(TP, 0, 10).count().block()).isEqualTo(2L);
        assertThat(store.contiguousEnd(TP).block()).isEqualTo(6L);
        store.execute("DROP INDEX sluice_batches_offsets").block(); // version 2's index is there
    }

    @Test
    void aNewerSchemaIsRefusedNamingBothVersions() {
        assumeThat(survivesReopen()).as("this store keeps nothing once closed").isTrue();
        store.execute("UPDATE sluice_schema SET schema_version = 99").block();
        store.close();
        store = null;
        assertThatThrownBy(this::open)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("version 2 that this Sluice knows")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aCorruptStoredByteFailsTheReadNamingTopicPartitionAndOffset() {
        appendBatches(TP, 0, 3);
        byte[] bytes = store.read(TP, 3, 1).blockLast().array().clone();
        bytes[bytes.length - 1] ^= 0x55; // inside the last record, covered by the CRC
        assertThat(store.execute("UPDATE sluice_batches SET bytes = $1 WHERE topic = $2 AND part = $3 AND base_offset = $4",
                bytes, TP.topic(), TP.partition(), 3L).block()).isEqualTo(1L);

        StepVerifier.create(store.read(TP, 0, 10).map(RecordBatch::baseOffset))
                .expectNext(0L)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CorruptRecordException.class)
                        .hasMessageContaining("offset 3").hasMessageContaining("orders-1"))
                .verify();
    }

    @Test
    void offsetForTimestampFindsTheFirstBatchReachingIt() {
        appendBatches(TP, 0, 3); // timestamps 1000..1002, 2000..2002, 3000..3002
        assertThat(store.offsetForTimestamp(TP, 0).block()).isEqualTo(0L);
        assertThat(store.offsetForTimestamp(TP, 1002).block()).isEqualTo(0L);
        assertThat(store.offsetForTimestamp(TP, 1003).block()).isEqualTo(3L);
        assertThat(store.offsetForTimestamp(TP, 3002).block()).isEqualTo(6L);
        assertThat(store.offsetForTimestamp(TP, 3003).block()).isEqualTo(9L);
        assertThat(store.offsetForTimestamp(TopicPartition.of("none", 0), 5).block()).isEqualTo(0L);
    }

    @Test
    void committedOffsetsAreKeptPerGroupAndForgottenWithTheTopic() {
        TopicPartition t0 = TopicPartition.of("t", 0);
        TopicPartition t1 = TopicPartition.of("t", 1);
        TopicPartition u0 = TopicPartition.of("u", 0);
        assertThat(store.committed("billing").block()).isEmpty();
        store.commit("billing", Map.of(t0, 5L, t1, 7L, u0, 1L)).block();
        store.commit("audit", Map.of(u0, 3L)).block();
        store.commit("billing", Map.of(t0, 9L)).block();

        assertThat(store.committed("billing").block()).isEqualTo(Map.of(t0, 9L, t1, 7L, u0, 1L));
        assertThat(store.groups().collectList().block()).containsExactly("audit", "billing");

        store.deleteTopic("t").block();
        assertThat(store.committed("billing").block()).isEqualTo(Map.of(u0, 1L));
        assertThat(store.committed("audit").block()).isEqualTo(Map.of(u0, 3L));
    }

    @Test
    void aClosedStoreRefusesAppends() {
        store.close();
        StepVerifier.create(store.append(TP, batch(0, 1, 0))).expectError(ClosedException.class).verify();
    }

    @Test
    void contiguousEndIsTheEndWithoutAGapElseWhereTheFirstGapStarts() {
        TopicPartition other = TopicPartition.of("orders", 2);
        assertThat(store.contiguousEnd(TP).block()).as("nothing stored").isZero();
        appendBatches(TP, 0, 4); // [0, 12)
        assertThat(store.contiguousEnd(TP).block()).isEqualTo(12L);
        store.append(TP, batch(15, 3, 9_000)).block(); // [15, 18): 12..14 missing
        store.append(TP, batch(18, 2, 9_500)).block();
        assertThat(store.contiguousEnd(TP).block()).isEqualTo(12L);
        appendBatches(other, 30, 2);
        assertThat(store.contiguousEnd(other).block()).as("another partition, from its first stored batch").isEqualTo(36L);
        store.deleteBefore(TP, 15).block();
        assertThat(store.contiguousEnd(TP).block()).as("retention removed the batches before the gap").isEqualTo(20L);
    }
}
