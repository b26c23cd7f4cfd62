package io.sluice.log;

import io.sluice.record.Headers;

/** STUB: signatures only. */
public final class BatchBuilder {
    public BatchBuilder(int initialCapacity) { throw new UnsupportedOperationException(); }
    public static int estimateSize(byte[] key, byte[] value, Headers headers) { throw new UnsupportedOperationException(); }
    public void append(long timestamp, byte[] key, byte[] value, Headers headers) { throw new UnsupportedOperationException(); }
    public int count() { throw new UnsupportedOperationException(); }
    public boolean isEmpty() { throw new UnsupportedOperationException(); }
    public int sizeInBytes() { throw new UnsupportedOperationException(); }
    public RecordBatch build(long producerId, int baseSequence) { throw new UnsupportedOperationException(); }
}
