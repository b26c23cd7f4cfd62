package io.sluice.log;

import io.sluice.record.TopicPartition;
import java.util.function.LongSupplier;

/** STUB: signatures only. */
public final class MemoryLog {
    public MemoryLog(TopicPartition partition, Retention retention, LongSupplier clockMillis) { throw new UnsupportedOperationException(); }
    public TopicPartition partition() { throw new UnsupportedOperationException(); }
    public long append(RecordBatch batch) { throw new UnsupportedOperationException(); }
    public long startOffset() { throw new UnsupportedOperationException(); }
    public long endOffset() { throw new UnsupportedOperationException(); }
    public long retainedBytes() { throw new UnsupportedOperationException(); }
    public long retainedRecords() { throw new UnsupportedOperationException(); }
    public int batchCount() { throw new UnsupportedOperationException(); }
    public long evictedRecords() { throw new UnsupportedOperationException(); }
    public RecordBatch batchFor(long offset) { throw new UnsupportedOperationException(); }
    public long offsetForTimestamp(long timestamp) { throw new UnsupportedOperationException(); }
    public void advanceStart(long offset) { throw new UnsupportedOperationException(); }
    public void applyRetention() { throw new UnsupportedOperationException(); }
}
