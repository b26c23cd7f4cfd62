package io.sluice.log;

import io.sluice.log.internal.MemoryLog;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Small helpers for building and reading batches in tests. */
public final class TestBatches {
    private TestBatches() {
    }

    public static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** A batch of records whose values are {@code values} and whose timestamps are all {@code timestamp}. */
    public static RecordBatch batch(long timestamp, String... values) {
        BatchBuilder builder = new BatchBuilder(64);
        for (String v : values) {
            builder.append(timestamp, null, utf8(v), Headers.empty());
        }
        return builder.build(-1, -1);
    }

    /** A batch of {@code count} records with timestamps {@code timestamps[i]} and values "v0", "v1", ... */
    public static RecordBatch batchWithTimestamps(long... timestamps) {
        BatchBuilder builder = new BatchBuilder(64);
        for (int i = 0; i < timestamps.length; i++) {
            builder.append(timestamps[i], null, utf8("v" + i), Headers.empty());
        }
        return builder.build(-1, -1);
    }

    /** A batch of {@code count} records, each 100 value bytes, timestamped {@code timestamp}. */
    public static RecordBatch sized(int count, long timestamp) {
        BatchBuilder builder = new BatchBuilder(64);
        for (int i = 0; i < count; i++) {
            builder.append(timestamp, null, new byte[100], Headers.empty());
        }
        return builder.build(-1, -1);
    }

    public static List<Record> all(RecordBatch batch, String topic, int partition, long fromOffset) {
        List<Record> out = new ArrayList<>();
        Iterator<Record> it = batch.records(topic, partition, fromOffset);
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    public static List<Record> all(RecordBatch batch) {
        return all(batch, "t", 0, Long.MIN_VALUE);
    }

    /** Every record of {@code log} from its start, batch by batch. */
    public static List<Record> all(MemoryLog log) {
        List<Record> out = new ArrayList<>();
        long next = log.startOffset();
        for (RecordBatch b = log.batchFor(next); b != null; b = log.batchFor(next)) {
            out.addAll(all(b, log.partition().topic(), log.partition().partition(), next));
            next = b.nextOffset();
        }
        return out;
    }
}
