package io.sluice.log;

import io.sluice.check.Check;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import static io.sluice.log.RecordBatch.HEADER_SIZE;

/**
 * Encodes records one by one into a growable array and seals them into a {@link RecordBatch}: the producer's
 * side of the batch format. The header space is reserved up front, so {@link #build} only fills it in, computes
 * the CRC and copies the bytes out once. Reusable after {@code build}; not thread-safe.
 */
public final class BatchBuilder {
    /** Attributes, timestamp delta, offset delta, key length, value length, header count, record length. */
    private static final int MAX_RECORD_OVERHEAD = 1 + 10 + 5 + 5 + 5 + 5 + 5;

    private byte[] buf;
    private int pos = HEADER_SIZE;
    private int count;
    private long firstTimestamp;
    private long maxTimestamp;

    /** A builder whose buffer starts at {@code initialCapacity} bytes (at least the header) and doubles as needed. */
    public BatchBuilder(int initialCapacity) {
        Check.notNegative("initialCapacity", initialCapacity);
        this.buf = new byte[Math.max(initialCapacity, HEADER_SIZE)];
    }

    /**
     * An upper bound of the bytes {@link #append} adds for this record, for deciding whether it still fits in a
     * batch before appending it. Saturates at {@code Integer.MAX_VALUE}.
     */
    public static int estimateSize(byte[] key, byte[] value, Headers headers) {
        long size = MAX_RECORD_OVERHEAD + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        if (headers != null) {
            for (int i = 0, n = headers.size(); i < n; i++) {
                Header h = headers.get(i);
                byte[] v = h.value();
                // key length + at most 3 UTF-8 bytes per UTF-16 char + value length + value
                size += 5 + 3L * h.key().length() + 5 + (v == null ? 0 : v.length);
            }
        }
        return (int) Math.min(size, Integer.MAX_VALUE);
    }

    /**
     * Encodes one record. The first record's timestamp becomes the batch's first timestamp, the others are stored
     * as deltas from it.
     *
     * @param key nullable
     * @param value not null (may be empty)
     * @param headers not null ({@link Headers#empty()} for none)
     * @throws IllegalArgumentException when the batch would outgrow the largest array the JVM allocates; the
     *         builder is then unchanged
     */
    public void append(long timestamp, byte[] key, byte[] value, Headers headers) {
        Check.notNull("value", value);
        Check.notNull("headers", headers);
        long first = count == 0 ? timestamp : firstTimestamp;
        long timestampDelta = BatchFormat.zigzag(timestamp - first);
        int keyLength = key == null ? -1 : key.length;
        int headerCount = headers.size();
        byte[][] headerKeys = headerCount == 0 ? null : new byte[headerCount][];

        long body = 1L + BatchFormat.varlongSize(timestampDelta) + BatchFormat.varintSize(count)
                + BatchFormat.varintSize(BatchFormat.zigzag(keyLength)) + Math.max(keyLength, 0)
                + BatchFormat.varintSize(BatchFormat.zigzag(value.length)) + value.length
                + BatchFormat.varintSize(headerCount);
        for (int i = 0; i < headerCount; i++) {
            Header h = headers.get(i);
            byte[] k = h.key().getBytes(StandardCharsets.UTF_8);
            headerKeys[i] = k;
            int vl = h.value() == null ? -1 : h.value().length;
            body += BatchFormat.varintSize(k.length) + k.length + BatchFormat.varintSize(BatchFormat.zigzag(vl)) + Math.max(vl, 0);
        }
        if (body > BatchFormat.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("record of " + body + " bytes is too large for a batch");
        }
        int bodySize = (int) body;
        ensureCapacity((long) pos + BatchFormat.varintSize(bodySize) + bodySize);

        byte[] b = buf;
        int p = BatchFormat.putVarint(b, pos, bodySize);
        b[p++] = 0; // attributes
        p = BatchFormat.putVarlong(b, p, timestampDelta);
        p = BatchFormat.putVarint(b, p, count);
        p = BatchFormat.putVarint(b, p, BatchFormat.zigzag(keyLength));
        if (key != null) {
            System.arraycopy(key, 0, b, p, key.length);
            p += key.length;
        }
        p = BatchFormat.putVarint(b, p, BatchFormat.zigzag(value.length));
        System.arraycopy(value, 0, b, p, value.length);
        p += value.length;
        p = BatchFormat.putVarint(b, p, headerCount);
        for (int i = 0; i < headerCount; i++) {
            byte[] k = headerKeys[i];
            p = BatchFormat.putVarint(b, p, k.length);
            System.arraycopy(k, 0, b, p, k.length);
            p += k.length;
            byte[] v = headers.get(i).value();
            p = BatchFormat.putVarint(b, p, BatchFormat.zigzag(v == null ? -1 : v.length));
            if (v != null) {
                System.arraycopy(v, 0, b, p, v.length);
                p += v.length;
            }
        }
        pos = p;
        if (count == 0) {
            firstTimestamp = timestamp;
            maxTimestamp = timestamp;
        } else if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
        }
        count++;
    }

    /** Records appended since the last {@link #build}. */
    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Size the batch would have if built now, header included. */
    public int sizeInBytes() {
        return pos;
    }

    /**
     * Seals the appended records into a batch with base offset 0 (the log assigns the real one), computes its
     * CRC32C, and resets this builder for the next batch. The batch owns a right-sized copy of the bytes.
     *
     * @param producerId the idempotent producer's id, or -1
     * @param baseSequence the sequence number of the first record, or -1
     * @throws IllegalStateException when nothing was appended
     */
    public RecordBatch build(long producerId, int baseSequence) {
        if (count == 0) {
            throw new IllegalStateException("cannot build a batch without records");
        }
        byte[] b = buf;
        BatchFormat.putLong(b, BatchFormat.BASE_OFFSET, 0L);
        BatchFormat.putInt(b, BatchFormat.LENGTH, pos);
        b[BatchFormat.MAGIC] = BatchFormat.CURRENT_MAGIC;
        BatchFormat.putShort(b, BatchFormat.ATTRIBUTES, (short) 0);
        BatchFormat.putInt(b, BatchFormat.LAST_OFFSET_DELTA, count - 1);
        BatchFormat.putLong(b, BatchFormat.FIRST_TIMESTAMP, firstTimestamp);
        BatchFormat.putLong(b, BatchFormat.MAX_TIMESTAMP, maxTimestamp);
        BatchFormat.putLong(b, BatchFormat.PRODUCER_ID, producerId);
        BatchFormat.putInt(b, BatchFormat.BASE_SEQUENCE, baseSequence);
        BatchFormat.putInt(b, BatchFormat.RECORD_COUNT, count);
        BatchFormat.putInt(b, BatchFormat.CRC, RecordBatch.computeCrc(b, pos));
        RecordBatch batch = RecordBatch.trusted(Arrays.copyOf(b, pos));
        pos = HEADER_SIZE;
        count = 0;
        return batch;
    }

    private void ensureCapacity(long needed) {
        if (needed <= buf.length) {
            return;
        }
        if (needed > BatchFormat.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch would grow to " + needed + " bytes, more than the limit of " + BatchFormat.MAX_BATCH_SIZE);
        }
        long grown = Math.max(needed, Math.min(2L * buf.length, BatchFormat.MAX_BATCH_SIZE));
        buf = Arrays.copyOf(buf, (int) grown);
    }
}
