package io.sluice.log;

import io.sluice.record.Record;
import java.util.Iterator;

/**
 * STUB: signatures only; the implementation is being written.
 */
public final class RecordBatch {
    public static final int HEADER_SIZE = 57;

    public static RecordBatch wrap(byte[] bytes) { throw new UnsupportedOperationException(); }
    public byte[] array() { throw new UnsupportedOperationException(); }
    public int sizeInBytes() { throw new UnsupportedOperationException(); }
    public long baseOffset() { throw new UnsupportedOperationException(); }
    public long lastOffset() { throw new UnsupportedOperationException(); }
    public long nextOffset() { throw new UnsupportedOperationException(); }
    public int count() { throw new UnsupportedOperationException(); }
    public long firstTimestamp() { throw new UnsupportedOperationException(); }
    public long maxTimestamp() { throw new UnsupportedOperationException(); }
    public long producerId() { throw new UnsupportedOperationException(); }
    public int baseSequence() { throw new UnsupportedOperationException(); }
    public int crc() { throw new UnsupportedOperationException(); }
    public void assignBaseOffset(long baseOffset) { throw new UnsupportedOperationException(); }
    public void verify(String topic, int partition) { throw new UnsupportedOperationException(); }
    public Iterator<Record> records(String topic, int partition, long fromOffset) { throw new UnsupportedOperationException(); }
}
