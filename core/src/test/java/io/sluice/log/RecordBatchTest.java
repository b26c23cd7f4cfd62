package io.sluice.log;

import static io.sluice.log.TestBatches.all;
import static io.sluice.log.TestBatches.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.errors.CorruptRecordException;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RecordBatchTest {

    @Test
    void records_round_trip_with_null_keys_empty_values_and_headers_with_null_values() {
        BatchBuilder builder = new BatchBuilder(16);
        builder.append(1_000L, utf8("k1"), utf8("v1"), Headers.empty());
        builder.append(999L, null, utf8("no key"), Headers.of("trace", "abc").with("gone", (byte[]) null));
        builder.append(1_005L, utf8("k3"), new byte[0], Headers.of("é-ключ", "ü"));
        RecordBatch batch = builder.build(42L, 7);

        assertThat(batch.count()).isEqualTo(3);
        assertThat(batch.baseOffset()).isZero();
        assertThat(batch.lastOffset()).isEqualTo(2);
        assertThat(batch.nextOffset()).isEqualTo(3);
        assertThat(batch.firstTimestamp()).isEqualTo(1_000L);
        assertThat(batch.maxTimestamp()).isEqualTo(1_005L);
        assertThat(batch.producerId()).isEqualTo(42L);
        assertThat(batch.baseSequence()).isEqualTo(7);
        assertThat(batch.attributes()).isZero();
        assertThat(batch.sizeInBytes()).isEqualTo(batch.array().length);

        List<Record> records = all(RecordBatch.wrap(batch.array()), "orders", 3, 0);
        assertThat(records).hasSize(3);

        Record r0 = records.get(0);
        assertThat(r0.topic()).isEqualTo("orders");
        assertThat(r0.partition()).isEqualTo(3);
        assertThat(r0.offset()).isZero();
        assertThat(r0.timestamp()).isEqualTo(1_000L);
        assertThat(r0.keyAsString()).isEqualTo("k1");
        assertThat(r0.valueAsString()).isEqualTo("v1");
        assertThat(r0.headers()).isSameAs(Headers.empty());

        Record r1 = records.get(1);
        assertThat(r1.offset()).isEqualTo(1);
        assertThat(r1.timestamp()).isEqualTo(999L);
        assertThat(r1.hasKey()).isFalse();
        assertThat(r1.key()).isNull();
        assertThat(r1.valueAsString()).isEqualTo("no key");
        assertThat(r1.headers().size()).isEqualTo(2);
        assertThat(r1.headers().get(0).key()).isEqualTo("trace");
        assertThat(r1.headers().get(0).valueAsString()).isEqualTo("abc");
        assertThat(r1.headers().get(1).key()).isEqualTo("gone");
        assertThat(r1.headers().get(1).value()).isNull();

        Record r2 = records.get(2);
        assertThat(r2.offset()).isEqualTo(2);
        assertThat(r2.timestamp()).isEqualTo(1_005L);
        assertThat(r2.keyAsString()).isEqualTo("k3");
        assertThat(r2.valueLength()).isZero();
        assertThat(r2.value()).isEmpty();
        assertThat(r2.headers().asList()).extracting(Header::key, Header::valueAsString)
                .containsExactly(tuple("é-ключ", "ü"));
    }

    @Test
    void extreme_timestamps_and_identities_round_trip() {
        BatchBuilder builder = new BatchBuilder(0);
        builder.append(Long.MAX_VALUE, null, utf8("a"), Headers.empty());
        builder.append(Long.MIN_VALUE, null, utf8("b"), Headers.empty());
        RecordBatch batch = builder.build(Long.MAX_VALUE, Integer.MAX_VALUE);

        assertThat(all(batch)).extracting(Record::timestamp).containsExactly(Long.MAX_VALUE, Long.MIN_VALUE);
        assertThat(batch.maxTimestamp()).isEqualTo(Long.MAX_VALUE);
        assertThat(batch.producerId()).isEqualTo(Long.MAX_VALUE);
        assertThat(batch.baseSequence()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void a_one_mebibyte_value_round_trips() {
        byte[] value = new byte[1 << 20];
        new Random(7).nextBytes(value);
        BatchBuilder builder = new BatchBuilder(128);
        builder.append(5L, utf8("big"), value, Headers.empty());
        RecordBatch batch = RecordBatch.wrap(builder.build(-1, -1).array());
        batch.verify("t", 0);

        List<Record> records = all(batch);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).isEqualTo(value);
        assertThat(records.get(0).keyAsString()).isEqualTo("big");
    }

    @Test
    void ten_thousand_records_decode_in_order() {
        BatchBuilder builder = new BatchBuilder(1024);
        for (int i = 0; i < 10_000; i++) {
            builder.append(1_000_000L + i, i % 3 == 0 ? null : utf8("key-" + i), utf8("value-" + i),
                    i % 100 == 0 ? Headers.of("i", Integer.toString(i)) : Headers.empty());
        }
        RecordBatch batch = builder.build(-1, -1);
        batch.assignBaseOffset(500);
        batch.verify("t", 0);
        assertThat(batch.count()).isEqualTo(10_000);

        Iterator<Record> it = batch.records("t", 0, 0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(it.hasNext()).isTrue();
            Record r = it.next();
            assertThat(r.offset()).isEqualTo(500L + i);
            assertThat(r.timestamp()).isEqualTo(1_000_000L + i);
            assertThat(r.keyAsString()).isEqualTo(i % 3 == 0 ? null : "key-" + i);
            assertThat(r.valueAsString()).isEqualTo("value-" + i);
            assertThat(r.headers().lastString("i")).isEqualTo(i % 100 == 0 ? Integer.toString(i) : null);
        }
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void decoding_from_an_offset_in_the_middle_of_a_batch_starts_at_that_offset() {
        RecordBatch batch = TestBatches.batch(10L, "a", "b", "c", "d", "e");
        batch.assignBaseOffset(100);

        assertThat(all(batch, "t", 0, 103)).extracting(Record::offset, Record::valueAsString)
                .containsExactly(tuple(103L, "d"), tuple(104L, "e"));
        assertThat(all(batch, "t", 0, 104)).extracting(Record::valueAsString).containsExactly("e");
        assertThat(all(batch, "t", 0, 50)).extracting(Record::valueAsString).containsExactly("a", "b", "c", "d", "e");
        assertThat(all(batch, "t", 0, 105)).isEmpty();
        assertThat(all(batch, "t", 0, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void decoded_records_share_the_batch_bytes() {
        RecordBatch batch = TestBatches.batch(1L, "abc");
        Record r = all(batch).get(0);
        byte[] array = batch.array();
        int at = indexOf(array, utf8("abc"));
        array[at] = 'x';
        assertThat(r.valueAsString()).isEqualTo("xbc");
    }

    @Test
    void next_past_the_last_record_throws_no_such_element() {
        Iterator<Record> it = TestBatches.batch(1L, "only").records("t", 0, 0);
        it.next();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void assign_base_offset_keeps_the_crc_valid() {
        RecordBatch batch = TestBatches.batch(1L, "a", "b");
        int crc = batch.crc();
        batch.assignBaseOffset(1_234_567_890_123L);

        RecordBatch rewrapped = RecordBatch.wrap(batch.array().clone());
        assertThat(rewrapped.baseOffset()).isEqualTo(1_234_567_890_123L);
        assertThat(rewrapped.crc()).isEqualTo(crc);
        assertThatCode(() -> rewrapped.verify("t", 0)).doesNotThrowAnyException();
        assertThat(all(rewrapped)).extracting(Record::offset).containsExactly(1_234_567_890_123L, 1_234_567_890_124L);
    }

    @Test
    void a_flipped_byte_in_a_record_makes_verify_throw_naming_topic_partition_and_offset() {
        RecordBatch batch = TestBatches.batch(1L, "hello", "world");
        batch.assignBaseOffset(42);
        byte[] bytes = batch.array().clone();
        bytes[indexOf(bytes, utf8("world"))] ^= 0x01;
        RecordBatch corrupt = RecordBatch.wrap(bytes);

        assertThatThrownBy(() -> corrupt.verify("orders", 3))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageStartingWith("CRC32C mismatch in batch at offset 42 of orders-3: stored 0x")
                .hasMessageContaining(String.format("stored 0x%08x", batch.crc()))
                .hasMessageContaining("computed 0x");
    }

    @Test
    void a_flipped_header_byte_covered_by_the_crc_makes_verify_throw() {
        RecordBatch batch = TestBatches.batch(1L, "hello");
        byte[] bytes = batch.array().clone();
        bytes[BatchFormat.MAX_TIMESTAMP + 7] ^= 0x10;
        assertThatThrownBy(() -> RecordBatch.wrap(bytes).verify("t", 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void a_successful_verify_is_remembered() {
        RecordBatch batch = TestBatches.batch(1L, "hello");
        batch.verify("t", 0);
        batch.array()[batch.sizeInBytes() - 2] ^= 0x01; // corrupted after verification: not checked again
        assertThatCode(() -> batch.verify("t", 0)).doesNotThrowAnyException();
        assertThatThrownBy(() -> RecordBatch.wrap(batch.array()).verify("t", 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void wrap_rejects_an_array_shorter_than_the_header() {
        assertThatThrownBy(() -> RecordBatch.wrap(new byte[54]))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessage("batch of 54 bytes is shorter than the 55-byte header");
    }

    @Test
    void wrap_rejects_a_length_field_that_does_not_match_the_array() {
        byte[] bytes = TestBatches.batch(1L, "a", "b").array();
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 2);
        assertThatThrownBy(() -> RecordBatch.wrap(truncated))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessage("batch length field " + bytes.length + " does not match " + (bytes.length - 2) + " bytes");
    }

    @Test
    void wrap_rejects_an_unknown_magic() {
        byte[] bytes = TestBatches.batch(1L, "a").array();
        bytes[BatchFormat.MAGIC] = 2;
        assertThatThrownBy(() -> RecordBatch.wrap(bytes))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessage("batch magic 2 is not supported (expected 1)");
    }

    @Test
    void wrap_rejects_a_zero_record_count_and_a_count_that_disagrees_with_the_last_offset_delta() {
        byte[] zero = TestBatches.batch(1L, "a").array();
        BatchFormat.putInt(zero, BatchFormat.RECORD_COUNT, 0);
        assertThatThrownBy(() -> RecordBatch.wrap(zero))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessage("batch record count 0 must be at least 1");

        byte[] mismatch = TestBatches.batch(1L, "a", "b").array();
        BatchFormat.putInt(mismatch, BatchFormat.RECORD_COUNT, 3);
        assertThatThrownBy(() -> RecordBatch.wrap(mismatch))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessage("batch record count 3 does not match last offset delta 1 (expected count - 1)");
    }

    @Test
    void a_truncated_record_body_throws_on_iteration_naming_topic_partition_and_offset() {
        RecordBatch batch = TestBatches.batch(1L, "first", "second record");
        batch.assignBaseOffset(10);
        byte[] bytes = Arrays.copyOf(batch.array(), batch.sizeInBytes() - 5);
        BatchFormat.putInt(bytes, BatchFormat.LENGTH, bytes.length);
        Iterator<Record> it = RecordBatch.wrap(bytes).records("orders", 3, 0);

        assertThat(it.next().valueAsString()).isEqualTo("first");
        assertThat(it.hasNext()).isTrue();
        assertThatThrownBy(it::next)
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("offset 11 of orders-3")
                .hasMessageContaining("runs past the end of the batch");
    }

    @Test
    void a_batch_with_fewer_records_than_its_count_throws_on_iteration() {
        byte[] bytes = TestBatches.batch(1L, "a", "b").array();
        BatchFormat.putInt(bytes, BatchFormat.RECORD_COUNT, 3);
        BatchFormat.putInt(bytes, BatchFormat.LAST_OFFSET_DELTA, 2);
        List<Record> seen = new ArrayList<>();
        Iterator<Record> it = RecordBatch.wrap(bytes).records("t", 1, 0);
        assertThatThrownBy(() -> it.forEachRemaining(seen::add))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("offset 2 of t-1")
                .hasMessageContaining("ends after 2 of its 3 records");
        assertThat(seen).hasSize(2);
    }

    @Test
    void a_batch_with_more_records_than_its_count_throws_on_the_last_record() {
        byte[] bytes = TestBatches.batch(1L, "a", "b", "c").array();
        BatchFormat.putInt(bytes, BatchFormat.RECORD_COUNT, 2);
        BatchFormat.putInt(bytes, BatchFormat.LAST_OFFSET_DELTA, 1);
        Iterator<Record> it = RecordBatch.wrap(bytes).records("t", 1, 0);
        it.next();
        assertThatThrownBy(it::next)
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("offset 1 of t-1")
                .hasMessageContaining("follow the last of the batch's 2 records");
    }

    @Test
    void an_overlong_varint_throws_on_iteration() {
        byte[] bytes = TestBatches.batch(1L, "abcdefghij").array();
        Arrays.fill(bytes, RecordBatch.HEADER_SIZE, RecordBatch.HEADER_SIZE + 6, (byte) 0xff);
        assertThatThrownBy(() -> RecordBatch.wrap(bytes).records("t", 2, 0).next())
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("offset 0 of t-2")
                .hasMessageContaining("longer than 32 bits");
    }

    @Test
    void a_value_length_running_past_its_record_throws_on_iteration() {
        RecordBatch batch = TestBatches.batch(1L, "abc", "def");
        byte[] bytes = batch.array();
        int valueAt = indexOf(bytes, utf8("abc"));
        bytes[valueAt - 1] = (byte) BatchFormat.zigzag(60); // the value length varint precedes the value
        assertThatThrownBy(() -> RecordBatch.wrap(bytes).records("t", 0, 0).next())
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("offset 0 of t-0")
                .hasMessageContaining("value length 60 runs past the end of the record");
    }

    @Test
    void a_batch_copied_into_a_chunk_reads_verifies_and_renumbers_there_like_the_original() {
        BatchBuilder builder = new BatchBuilder(256);
        builder.append(5L, utf8("k"), utf8("first"), Headers.of("trace", "t-1"));
        builder.append(7L, null, utf8("second"), Headers.empty());
        RecordBatch original = builder.build(9L, 3);
        byte[] chunk = new byte[original.sizeInBytes() + 100];
        chunk[9] = 42;

        RecordBatch copy = original.copyTo(chunk, 10);

        assertThat(chunk[9]).isEqualTo((byte) 42);
        assertThat(copy.array()).isEqualTo(original.array()).isNotSameAs(chunk);
        assertThat(copy.sizeInBytes()).isEqualTo(original.sizeInBytes());
        assertThatCode(() -> copy.verify("t", 0)).doesNotThrowAnyException();
        copy.assignBaseOffset(100);
        assertThat(copy.baseOffset()).isEqualTo(100);
        assertThat(original.baseOffset()).isZero();
        assertThat(copy.producerId()).isEqualTo(9L);
        assertThat(copy.baseSequence()).isEqualTo(3);
        assertThat(all(copy)).extracting(Record::offset, Record::valueAsString, r -> r.headers().size())
                .containsExactly(tuple(100L, "first", 1), tuple(101L, "second", 0));
        assertThatCode(() -> copy.checkRecords("t", 0)).doesNotThrowAnyException();
        chunk[10 + copy.sizeInBytes() - 3] ^= 0x01; // inside the copy: its CRC no longer holds
        assertThatThrownBy(() -> RecordBatch.wrap(copy.array()).verify("t", 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void check_records_refuses_what_iteration_refuses_with_the_same_message_and_accepts_a_sound_batch() {
        byte[] fewer = TestBatches.batch(1L, "a", "b").array();
        BatchFormat.putInt(fewer, BatchFormat.RECORD_COUNT, 3);
        BatchFormat.putInt(fewer, BatchFormat.LAST_OFFSET_DELTA, 2);
        byte[] longValue = TestBatches.batch(1L, "abc", "def").array();
        longValue[indexOf(longValue, utf8("abc")) - 1] = (byte) BatchFormat.zigzag(60);
        BatchBuilder builder = new BatchBuilder(256);
        builder.append(1L, null, utf8("v"), Headers.of("trace", "t-1", "empty", ""));
        byte[] badHeader = builder.build(1, 0).array();
        badHeader[indexOf(badHeader, utf8("t-1")) - 1] = (byte) BatchFormat.zigzag(-2); // the header value length

        for (byte[] bytes : List.of(fewer, longValue, badHeader)) {
            String iterating = catchThrowableOfType(() -> RecordBatch.wrap(bytes).records("t", 1, 0).forEachRemaining(r -> { }),
                    CorruptRecordException.class).getMessage();
            assertThatThrownBy(() -> RecordBatch.wrap(bytes).checkRecords("t", 1))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessage(iterating);
        }
        BatchBuilder sound = new BatchBuilder(256);
        sound.append(1L, utf8("k"), utf8("v"), Headers.of("trace", "t-1"));
        sound.append(2L, null, utf8("w"), Headers.empty());
        assertThatCode(() -> sound.build(1, 0).checkRecords("t", 1)).doesNotThrowAnyException();
    }

    @Test
    void build_without_records_is_an_illegal_state() {
        assertThatThrownBy(() -> new BatchBuilder(64).build(-1, -1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_builder_is_reset_by_build_and_reusable() {
        BatchBuilder builder = new BatchBuilder(64);
        assertThat(builder.isEmpty()).isTrue();
        assertThat(builder.sizeInBytes()).isEqualTo(RecordBatch.HEADER_SIZE);
        builder.append(1L, null, utf8("first"), Headers.empty());
        builder.append(3L, null, utf8("second"), Headers.empty());
        assertThat(builder.count()).isEqualTo(2);
        int size = builder.sizeInBytes();
        RecordBatch one = builder.build(1, 0);
        assertThat(one.sizeInBytes()).isEqualTo(size);

        assertThat(builder.isEmpty()).isTrue();
        assertThat(builder.count()).isZero();
        assertThat(builder.sizeInBytes()).isEqualTo(RecordBatch.HEADER_SIZE);
        builder.append(100L, null, utf8("third"), Headers.empty());
        RecordBatch two = builder.build(1, 2);

        assertThat(all(one)).extracting(Record::valueAsString).containsExactly("first", "second");
        assertThat(one.firstTimestamp()).isEqualTo(1L);
        assertThat(all(two)).extracting(Record::valueAsString).containsExactly("third");
        assertThat(two.firstTimestamp()).isEqualTo(100L);
        assertThat(two.maxTimestamp()).isEqualTo(100L);
        assertThatCode(() -> {
            one.verify("t", 0);
            two.verify("t", 0);
        }).doesNotThrowAnyException();
    }

    @Test
    void estimate_size_is_an_upper_bound_of_what_append_adds() {
        Random random = new Random(11);
        BatchBuilder builder = new BatchBuilder(0);
        for (int i = 0; i < 2_000; i++) {
            byte[] key = random.nextInt(4) == 0 ? null : new byte[random.nextInt(300)];
            byte[] value = new byte[random.nextInt(i % 100 == 0 ? 70_000 : 200)];
            Headers headers = Headers.empty();
            for (int h = random.nextInt(3); h > 0; h--) {
                headers = headers.with("h€" + h, random.nextBoolean() ? null : new byte[random.nextInt(50)]);
            }
            long timestamp = random.nextLong();
            int before = builder.sizeInBytes();
            builder.append(timestamp, key, value, headers);
            int added = builder.sizeInBytes() - before;
            assertThat(added).isPositive().isLessThanOrEqualTo(BatchBuilder.estimateSize(key, value, headers));
        }
    }

    @Test
    void append_rejects_a_null_value_and_null_headers() {
        BatchBuilder builder = new BatchBuilder(64);
        assertThatThrownBy(() -> builder.append(1L, null, null, Headers.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.append(1L, null, new byte[1], null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.isEmpty()).isTrue();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("bytes not found");
    }
}
