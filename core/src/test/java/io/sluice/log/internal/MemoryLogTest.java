package io.sluice.log.internal;

import io.sluice.log.RecordBatch;
import io.sluice.record.Record;
import io.sluice.record.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import static io.sluice.log.TestBatches.all;
import static io.sluice.log.TestBatches.batch;
import static io.sluice.log.TestBatches.batchWithTimestamps;
import static io.sluice.log.TestBatches.sized;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MemoryLogTest {
    private static final TopicPartition TP = TopicPartition.of("orders", 2);

    private final AtomicLong clock = new AtomicLong(1_000_000L);

    private MemoryLog log(Retention retention) {
        return new MemoryLog(TP, retention, clock::get);
    }

    /** A log with tiny segments, so that a few batches span several of them. */
    private MemoryLog smallSegments(Retention retention) {
        return new MemoryLog(TP, retention, clock::get, 0L, 4);
    }

    /** The log keeps a copy of each small batch: the same bytes, offsets included. */
    private static void assertKept(RecordBatch kept, RecordBatch appended) {
        assertThat(kept).isNotNull();
        assertThat(kept.array()).isEqualTo(appended.array());
    }

    @Test
    void an_empty_log_has_nothing_to_read() {
        MemoryLog log = log(Retention.UNLIMITED);
        assertThat(log.partition()).isEqualTo(TP);
        assertThat(log.startOffset()).isZero();
        assertThat(log.endOffset()).isZero();
        assertThat(log.batchCount()).isZero();
        assertThat(log.retainedBytes()).isZero();
        assertThat(log.retainedRecords()).isZero();
        assertThat(log.batchFor(0)).isNull();
        assertThat(log.batchFor(-1)).isNull();
        assertThat(log.offsetForTimestamp(0)).isZero();
    }

    @Test
    void offsets_are_dense_across_appends() {
        MemoryLog log = log(Retention.UNLIMITED);
        RecordBatch first = batch(1L, "a", "b", "c");
        RecordBatch second = batch(1L, "d");
        RecordBatch third = batch(1L, "e", "f", "g", "h", "i");

        assertThat(log.append(first)).isZero();
        assertThat(log.append(second)).isEqualTo(3);
        assertThat(log.append(third)).isEqualTo(4);

        assertThat(first.baseOffset()).isZero();
        assertThat(second.baseOffset()).isEqualTo(3);
        assertThat(third.baseOffset()).isEqualTo(4);
        assertThat(log.endOffset()).isEqualTo(9);
        assertThat(log.retainedRecords()).isEqualTo(9);
        assertThat(log.batchCount()).isEqualTo(3);
        assertThat(log.retainedBytes()).isEqualTo(first.sizeInBytes() + second.sizeInBytes() + third.sizeInBytes());
        assertThat(all(log)).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(all(log)).extracting(Record::valueAsString).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i");
        assertThat(all(log)).allSatisfy(r -> assertThat(r.topicPartition()).isEqualTo(TP));
    }

    @Test
    void small_batches_are_kept_as_copies_in_shared_chunks_that_grow_and_large_ones_as_they_came() {
        MemoryLog log = log(Retention.UNLIMITED);
        List<RecordBatch> appended = new ArrayList<>();
        RecordBatch first = sized(700, 1L); // larger than the first chunk would be
        assertThat(first.sizeInBytes()).isGreaterThan(MemoryLog.MIN_CHUNK).isLessThan(MemoryLog.MAX_CHUNK / 4);
        log.append(first);
        appended.add(first);
        for (int i = 0; i < 2_000; i++) { // about 2 MiB more: chunks from 64 KiB up
            RecordBatch b = sized(10, 1L);
            log.append(b);
            appended.add(b);
        }
        RecordBatch large = sized(20_000, 1L); // over a quarter of the largest chunk
        assertThat(large.sizeInBytes()).isGreaterThan(MemoryLog.MAX_CHUNK / 4);
        long largeBase = log.append(large);

        for (RecordBatch b : appended) {
            RecordBatch kept = log.batchFor(b.baseOffset());
            assertThat(kept).isNotSameAs(b);
            assertThat(kept.array()).isEqualTo(b.array()); // the caller's batch got its base offset too
            assertThat(kept.baseOffset()).isEqualTo(b.baseOffset());
        }
        assertThat(log.batchFor(largeBase)).isSameAs(large);
        assertThat(all(log)).hasSize(700 + 2_000 * 10 + 20_000);
        assertThat(all(log)).extracting(Record::offset).isEqualTo(LongStream.range(0, 700 + 2_000 * 10 + 20_000).boxed().toList());
        assertThat(log.retainedBytes()).isEqualTo(appended.stream().mapToLong(RecordBatch::sizeInBytes).sum() + large.sizeInBytes());
    }

    @Test
    void a_log_created_at_an_initial_offset_numbers_from_it() {
        MemoryLog log = new MemoryLog(TP, Retention.UNLIMITED, clock::get, 5_000L);
        assertThat(log.startOffset()).isEqualTo(5_000L);
        assertThat(log.append(batch(1L, "a", "b"))).isEqualTo(5_000L);
        assertThat(log.endOffset()).isEqualTo(5_002L);
        assertThat(log.batchFor(4_999L).baseOffset()).isEqualTo(5_000L);
        assertThat(log.evictedRecords()).isZero();
    }

    @Test
    void batch_for_finds_the_batch_holding_each_offset_across_segments() {
        MemoryLog log = smallSegments(Retention.UNLIMITED);
        List<RecordBatch> batches = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            RecordBatch b = sized(1 + i % 3, 1L);
            log.append(b);
            batches.add(b);
        }
        for (RecordBatch b : batches) {
            assertKept(log.batchFor(b.baseOffset()), b);
            assertKept(log.batchFor(b.lastOffset()), b);
        }
        for (long offset = 0; offset < log.endOffset(); offset++) {
            RecordBatch b = log.batchFor(offset);
            assertThat(b.baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(b.lastOffset()).isGreaterThanOrEqualTo(offset);
        }
        assertThat(log.batchFor(log.endOffset())).isNull();
        assertThat(log.batchFor(Long.MAX_VALUE)).isNull();
        assertKept(log.batchFor(-5), batches.get(0));
    }

    @Test
    void offset_for_timestamp_finds_the_first_record_at_or_after_the_timestamp() {
        MemoryLog log = smallSegments(Retention.UNLIMITED);
        log.append(batchWithTimestamps(100, 110, 120));      // offsets 0..2
        log.append(batchWithTimestamps(130, 125, 140));      // offsets 3..5; 125 is out of order
        log.append(batchWithTimestamps(90));                 // offset 6: an older producer clock
        for (int i = 0; i < 10; i++) {
            log.append(batchWithTimestamps(200 + 10 * i, 205 + 10 * i)); // offsets 7..26
        }

        assertThat(log.offsetForTimestamp(Long.MIN_VALUE)).isZero();
        assertThat(log.offsetForTimestamp(100)).isZero();
        assertThat(log.offsetForTimestamp(101)).isEqualTo(1);
        assertThat(log.offsetForTimestamp(120)).isEqualTo(2);
        assertThat(log.offsetForTimestamp(121)).isEqualTo(3);
        assertThat(log.offsetForTimestamp(131)).isEqualTo(5);
        assertThat(log.offsetForTimestamp(141)).isEqualTo(7);
        assertThat(log.offsetForTimestamp(255)).isEqualTo(18);
        assertThat(log.offsetForTimestamp(256)).isEqualTo(19);
        assertThat(log.offsetForTimestamp(295)).isEqualTo(26);
        assertThat(log.offsetForTimestamp(296)).isEqualTo(log.endOffset());
        assertThat(log.offsetForTimestamp(Long.MAX_VALUE)).isEqualTo(log.endOffset());
    }

    @Test
    void offset_for_timestamp_ignores_records_before_the_start() {
        MemoryLog log = smallSegments(Retention.UNLIMITED);
        log.append(batchWithTimestamps(500, 100, 100, 100)); // offsets 0..3: the batch's max comes first
        log.append(batchWithTimestamps(100, 600));           // offsets 4..5
        log.advanceStart(1);

        assertThat(log.offsetForTimestamp(50)).isEqualTo(1);
        assertThat(log.offsetForTimestamp(500)).isEqualTo(5); // offset 0 has 500 but is before the start

        // Evicted batches with large timestamps must not hide the retained ones.
        log.append(batchWithTimestamps(300));                // offset 6
        log.advanceStart(6);
        assertThat(log.offsetForTimestamp(200)).isEqualTo(6);
        assertThat(log.offsetForTimestamp(301)).isEqualTo(7);
    }

    @Test
    void retention_by_records_evicts_whole_batches_while_the_rest_still_holds_the_limit() {
        MemoryLog log = smallSegments(new Retention(10, Long.MAX_VALUE, Long.MAX_VALUE));
        for (int i = 0; i < 5; i++) {
            log.append(sized(4, 1L)); // 20 records in 5 batches of 4
        }
        // Dropping one more batch would leave 8 < 10 records: 12 are kept.
        assertThat(log.startOffset()).isEqualTo(8);
        assertThat(log.endOffset()).isEqualTo(20);
        assertThat(log.retainedRecords()).isEqualTo(12);
        assertThat(log.batchCount()).isEqualTo(3);
        assertThat(log.evictedRecords()).isEqualTo(8);
        assertThat(log.retainedBytes()).isEqualTo(3L * sized(4, 1L).sizeInBytes());
        assertThat(all(log)).extracting(Record::offset).containsExactlyElementsOf(LongStream.range(8, 20).boxed().toList());
        assertThat(log.batchFor(3).baseOffset()).isEqualTo(8);

        for (int i = 0; i < 40; i++) {
            log.append(sized(1, 1L)); // whole segments drop out
        }
        assertThat(log.retainedRecords()).isEqualTo(10);
        assertThat(log.startOffset()).isEqualTo(50);
        assertThat(log.evictedRecords()).isEqualTo(50);
        assertThat(log.batchFor(0).baseOffset()).isEqualTo(50);
        assertThat(all(log)).extracting(Record::offset).containsExactlyElementsOf(LongStream.range(50, 60).boxed().toList());
    }

    @Test
    void retention_by_bytes_evicts_oldest_batches_but_keeps_one() {
        int batchSize = sized(2, 1L).sizeInBytes();
        MemoryLog log = smallSegments(new Retention(Long.MAX_VALUE, 3L * batchSize, Long.MAX_VALUE));
        for (int i = 0; i < 6; i++) {
            log.append(sized(2, 1L));
        }
        assertThat(log.retainedBytes()).isEqualTo(3L * batchSize);
        assertThat(log.batchCount()).isEqualTo(3);
        assertThat(log.startOffset()).isEqualTo(6);
        assertThat(log.evictedRecords()).isEqualTo(6);

        MemoryLog tiny = log(new Retention(Long.MAX_VALUE, 1, Long.MAX_VALUE));
        tiny.append(sized(2, 1L));
        tiny.append(sized(3, 1L));
        assertThat(tiny.batchCount()).isEqualTo(1);
        assertThat(tiny.startOffset()).isEqualTo(2);
        assertThat(tiny.retainedRecords()).isEqualTo(3);
    }

    @Test
    void retention_by_age_evicts_batches_whose_newest_record_is_too_old() {
        MemoryLog log = smallSegments(new Retention(Long.MAX_VALUE, Long.MAX_VALUE, 1_000));
        clock.set(10_000);
        log.append(batchWithTimestamps(8_000, 9_500)); // offsets 0..1, newest 9_500
        log.append(batchWithTimestamps(9_000));        // offset 2
        log.append(batchWithTimestamps(9_800));        // offset 3
        assertThat(log.batchCount()).isEqualTo(3);     // cutoff 9_000: nothing is older

        clock.set(10_600); // cutoff 9_600: the first batch (newest 9_500) goes, and so does the second (9_000)
        log.applyRetention();
        assertThat(log.startOffset()).isEqualTo(3);
        assertThat(log.batchCount()).isEqualTo(1);
        assertThat(log.evictedRecords()).isEqualTo(3);

        clock.set(20_000); // everything is too old: the log empties and starts at its end
        log.applyRetention();
        assertThat(log.batchCount()).isZero();
        assertThat(log.retainedBytes()).isZero();
        assertThat(log.startOffset()).isEqualTo(4);
        assertThat(log.endOffset()).isEqualTo(4);
        assertThat(log.batchFor(0)).isNull();
        assertThat(log.offsetForTimestamp(0)).isEqualTo(4);

        assertThat(log.append(batchWithTimestamps(20_000))).isEqualTo(4); // appends continue after emptying
        assertThat(log.batchFor(0).baseOffset()).isEqualTo(4);
    }

    @Test
    void retention_by_age_does_not_overflow_near_the_ends_of_time() {
        clock.set(-10);
        MemoryLog log = log(new Retention(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1));
        log.append(batchWithTimestamps(Long.MIN_VALUE));
        assertThat(log.batchCount()).isEqualTo(1);

        clock.set(Long.MAX_VALUE);
        MemoryLog unlimited = log(Retention.UNLIMITED);
        unlimited.append(batchWithTimestamps(Long.MIN_VALUE));
        assertThat(unlimited.batchCount()).isEqualTo(1);
    }

    @Test
    void advance_start_inside_a_batch_keeps_that_batch() {
        MemoryLog log = smallSegments(Retention.UNLIMITED);
        log.append(batch(1L, "a", "b", "c"));
        RecordBatch second = batch(1L, "d", "e", "f");
        log.append(second);

        log.advanceStart(4);
        assertThat(log.startOffset()).isEqualTo(4);
        assertThat(log.batchCount()).isEqualTo(1);
        assertThat(log.retainedRecords()).isEqualTo(2);
        assertThat(log.retainedBytes()).isEqualTo(second.sizeInBytes());
        assertThat(log.evictedRecords()).isEqualTo(4);
        assertKept(log.batchFor(0), second);
        assertKept(log.batchFor(4), second);
        assertThat(all(log)).extracting(Record::valueAsString).containsExactly("e", "f");

        log.advanceStart(2); // never backwards
        assertThat(log.startOffset()).isEqualTo(4);
        assertThat(log.evictedRecords()).isEqualTo(4);

        log.advanceStart(100); // never past the end
        assertThat(log.startOffset()).isEqualTo(6);
        assertThat(log.batchCount()).isZero();
        assertThat(log.evictedRecords()).isEqualTo(6);
        assertThat(log.batchFor(5)).isNull();
    }

    @Test
    void evicted_records_count_only_records_at_or_after_the_old_start() {
        MemoryLog log = smallSegments(new Retention(4, Long.MAX_VALUE, Long.MAX_VALUE));
        log.append(sized(5, 1L)); // offsets 0..4
        log.advanceStart(3);
        assertThat(log.evictedRecords()).isEqualTo(3);

        log.append(sized(5, 1L)); // offsets 5..9: the first batch leaves, but only its records 3 and 4 count
        assertThat(log.startOffset()).isEqualTo(5);
        assertThat(log.evictedRecords()).isEqualTo(5);
        assertThat(log.evictedRecords() + log.retainedRecords()).isEqualTo(log.endOffset());
    }

    @Test
    void append_rejects_a_null_batch() {
        assertThatThrownBy(() -> log(Retention.UNLIMITED).append(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
