package io.sluice.log;

import io.sluice.check.Check;
import io.sluice.errors.CorruptRecordException;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;
import static io.sluice.log.BatchFormat.ATTRIBUTES;
import static io.sluice.log.BatchFormat.BASE_OFFSET;
import static io.sluice.log.BatchFormat.BASE_SEQUENCE;
import static io.sluice.log.BatchFormat.CRC;
import static io.sluice.log.BatchFormat.CRC_START;
import static io.sluice.log.BatchFormat.CURRENT_MAGIC;
import static io.sluice.log.BatchFormat.FIRST_TIMESTAMP;
import static io.sluice.log.BatchFormat.LAST_OFFSET_DELTA;
import static io.sluice.log.BatchFormat.LENGTH;
import static io.sluice.log.BatchFormat.MAGIC;
import static io.sluice.log.BatchFormat.MAX_TIMESTAMP;
import static io.sluice.log.BatchFormat.PRODUCER_ID;
import static io.sluice.log.BatchFormat.RECORD_COUNT;

/**
 * A batch of records in the one encoding Sluice uses in memory, on disk and on the wire: a 55-byte big-endian
 * header (base offset, length, magic, CRC32C, attributes, last offset delta, first and max timestamp, producer
 * id, base sequence, record count) followed by varint-framed records. This class is a flyweight over the
 * encoded bytes: header accessors read at fixed positions and records are decoded lazily, sharing the array.
 *
 * <p>The base offset is the only mutable part ({@link #assignBaseOffset}); it is outside the CRC, so a log can
 * number a batch without re-checksumming it. Build batches with {@link BatchBuilder}; take received or stored
 * bytes in with {@link #wrap} and check them with {@link #verify}.
 *
 * <p>One piece (over 400 lines) on purpose: the reader of the format (header accessors, verification, the lazy record
 * decoder, the timestamp scan) is kept in one file so that the format is read in one place, as {@link BatchBuilder}
 * writes it in one.
 */
public final class RecordBatch {
    /** Bytes of the batch header; the first record starts here. */
    public static final int HEADER_SIZE = 55;
    /** The most bytes a batch may have, header included: the largest array most JVMs allocate. */
    public static final int MAX_SIZE = BatchFormat.MAX_BATCH_SIZE;

    /** The array the batch lies in: its own, or a log's chunk shared with other batches ({@link #copyTo}). */
    private final byte[] bytes;
    /** Where the batch starts in {@link #bytes}. */
    private final int at;
    private final int size;
    private volatile boolean verified;

    private RecordBatch(byte[] bytes) {
        this(bytes, 0, bytes.length, false);
    }

    private RecordBatch(byte[] bytes, int at, int size, boolean verified) {
        this.bytes = bytes;
        this.at = at;
        this.size = size;
        this.verified = verified;
    }

    /** A batch over bytes just written by {@link BatchBuilder}, whose structure is known to be right. */
    static RecordBatch trusted(byte[] bytes) {
        return new RecordBatch(bytes);
    }

    /**
     * Wraps encoded bytes (not copied) after a cheap structural check of the header: size, length field, magic
     * and record count. Neither the CRC nor the records are checked; see {@link #verify} and {@link #records}.
     *
     * @throws CorruptRecordException when the header is malformed, saying what is wrong
     */
    public static RecordBatch wrap(byte[] bytes) {
        Check.notNull("batch bytes", bytes);
        if (bytes.length < HEADER_SIZE) {
            throw new CorruptRecordException("batch of " + bytes.length + " bytes is shorter than the " + HEADER_SIZE + "-byte header");
        }
        int length = BatchFormat.getInt(bytes, LENGTH);
        if (length != bytes.length) {
            throw new CorruptRecordException("batch length field " + length + " does not match " + bytes.length + " bytes");
        }
        byte magic = bytes[MAGIC];
        if (magic != CURRENT_MAGIC) {
            throw new CorruptRecordException("batch magic " + magic + " is not supported (expected " + CURRENT_MAGIC + ")");
        }
        int count = BatchFormat.getInt(bytes, RECORD_COUNT);
        if (count < 1) {
            throw new CorruptRecordException("batch record count " + count + " must be at least 1");
        }
        int lastOffsetDelta = BatchFormat.getInt(bytes, LAST_OFFSET_DELTA);
        if (lastOffsetDelta != count - 1) {
            throw new CorruptRecordException("batch record count " + count + " does not match last offset delta " + lastOffsetDelta
                    + " (expected count - 1)");
        }
        return new RecordBatch(bytes);
    }

    /**
     * The encoded batch, what a store writes or a transport sends: the batch's own array (do not modify it), or a copy
     * when the batch lies in a shared chunk ({@link #copyTo}).
     */
    public byte[] array() {
        return at == 0 && size == bytes.length ? bytes : Arrays.copyOfRange(bytes, at, at + size);
    }

    /**
     * Copies the batch into {@code chunk} at {@code position} (it must fit) and returns the batch there, which
     * shares the chunk with whatever else lies in it and keeps this one's verification. For a log that keeps many
     * small batches in a few large arrays: a collector that moves young objects then copies one array per chunk, once,
     * instead of every batch it holds (see {@link io.sluice.log.internal.MemoryLog}).
     */
    public RecordBatch copyTo(byte[] chunk, int position) {
        System.arraycopy(bytes, at, chunk, position, size);
        return new RecordBatch(chunk, position, size, verified);
    }

    /** Encoded size, header included. */
    public int sizeInBytes() {
        return size;
    }

    /** Offset of the first record: 0 until a log assigns it. */
    public long baseOffset() {
        return BatchFormat.getLong(bytes, at + BASE_OFFSET);
    }

    /** Offset of the last record: {@code baseOffset() + count() - 1}. */
    public long lastOffset() {
        return baseOffset() + count() - 1;
    }

    /** The offset right after this batch: where the next batch of the log starts. */
    public long nextOffset() {
        return baseOffset() + count();
    }

    /** Number of records (at least 1). */
    public int count() {
        return BatchFormat.getInt(bytes, at + RECORD_COUNT);
    }

    /** Timestamp of the first record; the others are stored as deltas from it. */
    public long firstTimestamp() {
        return BatchFormat.getLong(bytes, at + FIRST_TIMESTAMP);
    }

    /** The largest record timestamp in the batch: what retention by age and timestamp lookups use. */
    public long maxTimestamp() {
        return BatchFormat.getLong(bytes, at + MAX_TIMESTAMP);
    }

    /** The idempotent producer's id, or -1 for none. */
    public long producerId() {
        return BatchFormat.getLong(bytes, at + PRODUCER_ID);
    }

    /** The producer's sequence number of the first record, or -1 for none. */
    public int baseSequence() {
        return BatchFormat.getInt(bytes, at + BASE_SEQUENCE);
    }

    /** Attribute flags; 0 in this version of the format. */
    public short attributes() {
        return BatchFormat.getShort(bytes, at + ATTRIBUTES);
    }

    /** The stored CRC32C of bytes {@code [17, sizeInBytes())}. */
    public int crc() {
        return BatchFormat.getInt(bytes, at + CRC);
    }

    /** Numbers the records from {@code baseOffset}, rewriting the header in place; the CRC stays valid. */
    public void assignBaseOffset(long baseOffset) {
        BatchFormat.putLong(bytes, at + BASE_OFFSET, baseOffset);
    }

    /**
     * Checks the stored CRC32C against the bytes. Only the first successful check computes anything.
     *
     * @throws CorruptRecordException on a mismatch, naming the batch's offset, topic and partition
     */
    public void verify(String topic, int partition) {
        if (verified) {
            return;
        }
        int computed = computeCrc(bytes, at, size);
        int stored = crc();
        if (computed != stored) {
            throw new CorruptRecordException(String.format("CRC32C mismatch in batch at offset %d of %s-%d: stored 0x%08x, computed 0x%08x",
                    baseOffset(), topic, partition, stored, computed));
        }
        verified = true;
    }

    static int computeCrc(byte[] b, int length) {
        return computeCrc(b, 0, length);
    }

    private static int computeCrc(byte[] b, int at, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, at + CRC_START, length - CRC_START);
        return (int) crc.getValue();
    }

    /**
     * The records at or after {@code fromOffset}, decoded one per {@code next()}; each shares this batch's array.
     * Records are named {@code topic}/{@code partition} and numbered from the current base offset.
     *
     * @throws CorruptRecordException from {@code next()} when a record is malformed
     */
    public Iterator<Record> records(String topic, int partition, long fromOffset) {
        if (fromOffset > lastOffset()) {
            return Collections.emptyIterator();
        }
        return new Decoder(this, topic, partition, fromOffset);
    }

    /**
     * Checks that every record decodes, as {@link #records} would read it, without building the records: for a
     * writer that must refuse a batch a reader would later fail on, at no allocation per record.
     *
     * @throws CorruptRecordException naming the first malformed record
     */
    public void checkRecords(String topic, int partition) {
        Decoder d = new Decoder(this, topic, partition, baseOffset());
        while (d.hasNext()) {
            d.decode(false);
        }
    }

    /**
     * The first offset at or after {@code fromOffset} whose record timestamp is at least {@code timestamp}, or -1
     * when this batch has none. Reads only each record's timestamp and skips the rest.
     */
    public long offsetForTimestamp(long timestamp, long fromOffset, String topic, int partition) {
        if (fromOffset > lastOffset() || maxTimestamp() < timestamp) {
            return -1;
        }
        Decoder d = new Decoder(this, topic, partition, fromOffset);
        while (d.hasNext()) {
            long offset = d.nextOffset();
            if (d.nextTimestamp() >= timestamp) {
                return offset;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "RecordBatch{offsets " + baseOffset() + ".." + lastOffset() + ", " + sizeInBytes() + " bytes, producer " + producerId()
                + "/" + baseSequence() + "}";
    }

    /**
     * Decodes records straight from the batch array: one record per call, nothing allocated but the record (and
     * its headers when it has any). Every read is bounds-checked against the record's own length.
     */
    private static final class Decoder implements Iterator<Record> {
        private final byte[] buf;
        private final String topic;
        private final int partition;
        private final long baseOffset;
        private final long firstTimestamp;
        private final int count;
        /** Where the batch ends in {@link #buf}. */
        private final int end;
        private final int skipTo;
        private int index;
        private int pos;
        private int recordEnd;
        private java.nio.ByteBuffer view;

        Decoder(RecordBatch batch, String topic, int partition, long fromOffset) {
            this.buf = batch.bytes;
            this.topic = topic;
            this.partition = partition;
            this.baseOffset = batch.baseOffset();
            this.firstTimestamp = batch.firstTimestamp();
            this.count = batch.count();
            this.pos = batch.at + HEADER_SIZE;
            this.end = batch.at + batch.size;
            this.skipTo = fromOffset <= baseOffset ? 0 : (int) Math.min(fromOffset - baseOffset, count);
        }

        @Override
        public boolean hasNext() {
            return Math.max(index, skipTo) < count;
        }

        @Override
        public Record next() {
            return decode(true);
        }

        /** Decodes and checks the next record; builds it only when {@code build} (else returns null). */
        Record decode(boolean build) {
            if (!hasNext()) {
                throw new NoSuchElementException("no record after offset " + (baseOffset + count - 1) + " in this batch");
            }
            while (index < skipTo) {
                skip();
            }
            int i = index;
            long offset = baseOffset + i;
            startRecord();
            pos++; // record attributes: none are defined yet
            long timestamp = firstTimestamp + BatchFormat.unzigzag(readVarlong(offset));
            int offsetDelta = readVarint(offset);
            if (offsetDelta != i) {
                throw corrupt(offset, "offset delta " + offsetDelta + " where " + i + " was expected");
            }
            int keyLength = BatchFormat.unzigzag(readVarint(offset));
            if (keyLength < -1) {
                throw corrupt(offset, "negative key length " + keyLength);
            }
            int keyOffset = pos;
            skipBytes(Math.max(keyLength, 0), offset, "key");
            int valueLength = BatchFormat.unzigzag(readVarint(offset));
            if (valueLength < 0) {
                throw corrupt(offset, "negative value length " + valueLength);
            }
            int valueOffset = pos;
            skipBytes(valueLength, offset, "value");
            Headers headers = readHeaders(offset, build);
            if (pos != recordEnd) {
                throw corrupt(offset, "record length says " + (recordEnd - pos) + " more bytes than its fields hold");
            }
            index = i + 1;
            if (index == count && pos != end) {
                throw corrupt(offset, (end - pos) + " bytes follow the last of the batch's " + count + " records");
            }
            if (!build) {
                return null;
            }
            if (view == null) {
                view = java.nio.ByteBuffer.wrap(buf).asReadOnlyBuffer(); // one per batch read, shared by its records
            }
            return new Record(topic, partition, offset, timestamp, buf, view, keyOffset, keyLength, valueOffset, valueLength, headers);
        }

        /** Offset of the record the next {@link #nextTimestamp()} reads. */
        long nextOffset() {
            return baseOffset + Math.max(index, skipTo);
        }

        /** Reads the next record's timestamp and moves past the record without decoding the rest. */
        long nextTimestamp() {
            while (index < skipTo) {
                skip();
            }
            long offset = baseOffset + index;
            startRecord();
            pos++; // attributes
            long timestamp = firstTimestamp + BatchFormat.unzigzag(readVarlong(offset));
            pos = recordEnd;
            index++;
            return timestamp;
        }

        /** Reads the length of the record at {@code pos} and leaves {@code pos} on its attributes byte. */
        private void startRecord() {
            long offset = baseOffset + index;
            if (pos >= end) {
                throw corrupt(offset, "the batch ends after " + index + " of its " + count + " records");
            }
            recordEnd = end; // bound the length varint by the batch
            int size = readVarint(offset);
            if (size < 1 || size > end - pos) {
                throw corrupt(offset, "record length " + Integer.toUnsignedString(size) + " runs past the end of the batch ("
                        + (end - pos) + " bytes left)");
            }
            recordEnd = pos + size;
        }

        private void skip() {
            startRecord();
            pos = recordEnd;
            index++;
        }

        /** Reads (or, unless {@code build}, checks and skips) the record's headers. */
        private Headers readHeaders(long offset, boolean build) {
            int n = readVarint(offset);
            if (n == 0) {
                return Headers.empty();
            }
            // Each header takes at least two bytes: this bounds the list a corrupt count could ask for.
            if (n < 0 || n > (recordEnd - pos) / 2) {
                throw corrupt(offset, "header count " + Integer.toUnsignedString(n) + " does not fit in the record");
            }
            List<Header> list = build ? new ArrayList<>(n) : null;
            for (int h = 0; h < n; h++) {
                int keyLength = readVarint(offset);
                if (keyLength < 0) {
                    throw corrupt(offset, "header key length " + Integer.toUnsignedString(keyLength) + " runs past the record");
                }
                int keyOffset = pos;
                skipBytes(keyLength, offset, "header key");
                int valueLength = BatchFormat.unzigzag(readVarint(offset));
                int valueOffset = pos;
                if (valueLength < -1) {
                    throw corrupt(offset, "negative header value length " + valueLength);
                } else if (valueLength >= 0) {
                    skipBytes(valueLength, offset, "header value");
                }
                if (build) {
                    String key = new String(buf, keyOffset, keyLength, StandardCharsets.UTF_8);
                    byte[] value = valueLength == -1 ? null : Arrays.copyOfRange(buf, valueOffset, valueOffset + valueLength);
                    list.add(new Header(key, value));
                }
            }
            return build ? Headers.of(list) : null;
        }

        private void skipBytes(int n, long offset, String what) {
            if (n > recordEnd - pos) {
                throw corrupt(offset, what + " length " + n + " runs past the end of the record (" + (recordEnd - pos) + " bytes left)");
            }
            pos += n;
        }

        private int readVarint(long offset) {
            int p = pos;
            int result = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (p >= recordEnd) {
                    throw corrupt(offset, "a varint runs past the end of the record");
                }
                byte b = buf[p++];
                if (shift == 28 && (b & 0xf0) != 0) {
                    throw corrupt(offset, "a varint is longer than 32 bits");
                }
                result |= (b & 0x7f) << shift;
                if (b >= 0) {
                    pos = p;
                    return result;
                }
            }
            throw corrupt(offset, "a varint is longer than 32 bits");
        }

        private long readVarlong(long offset) {
            int p = pos;
            long result = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (p >= recordEnd) {
                    throw corrupt(offset, "a varlong runs past the end of the record");
                }
                byte b = buf[p++];
                if (shift == 63 && (b & 0xfe) != 0) {
                    throw corrupt(offset, "a varlong is longer than 64 bits");
                }
                result |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    pos = p;
                    return result;
                }
            }
            throw corrupt(offset, "a varlong is longer than 64 bits");
        }

        private CorruptRecordException corrupt(long offset, String what) {
            return new CorruptRecordException("corrupt record at offset " + offset + " of " + topic + "-" + partition + " (batch at offset "
                    + baseOffset + "): " + what);
        }
    }
}
