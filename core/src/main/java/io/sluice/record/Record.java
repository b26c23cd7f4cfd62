package io.sluice.record;

import io.sluice.check.Check;
import io.sluice.errors.DeserializationException;
import io.sluice.serde.Serde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One record read from a partition: where it is (topic, partition, offset), when it was produced
 * (timestamp, epoch milliseconds), and what it carries (nullable key, value, headers).
 *
 * <p>A record decoded from a batch shares the batch's bytes: {@link #valueBuffer()} is a read-only
 * view and costs nothing; {@link #value()} copies. Holding a record keeps its batch in memory.
 *
 * <p>Typed keys and values are read through a {@link Serde}: {@code record.value(JsonSerde.of(Order.class))},
 * {@code record.key(Serdes.string())}; bytes it cannot read are a {@link DeserializationException} naming the record.
 */
public final class Record {
    private static final byte[] EMPTY = new byte[0];
    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final byte[] buf;
    private final int keyOffset;
    private final int keyLength; // -1: null key
    private final int valueOffset;
    private final int valueLength;
    private final Headers headers;
    /** A read-only view of all of {@code buf}, shared by the records of one batch; slices of it are handed out. */
    private final ByteBuffer view;

    /**
     * A record whose key and value are slices of {@code buf}; for codecs and stores.
     * {@code keyLength == -1} means a null key.
     */
    public Record(String topic, int partition, long offset, long timestamp, byte[] buf,
                  int keyOffset, int keyLength, int valueOffset, int valueLength, Headers headers) {
        this(topic, partition, offset, timestamp, buf, ByteBuffer.wrap(buf).asReadOnlyBuffer(), keyOffset, keyLength,
                valueOffset, valueLength, headers);
    }

    /**
     * As the other constructor, with {@code view}, a read-only {@link ByteBuffer} over all of {@code buf} that the
     * records of one batch share, so that {@link #valueBuffer()} costs one small object.
     */
    public Record(String topic, int partition, long offset, long timestamp, byte[] buf, ByteBuffer view,
                  int keyOffset, int keyLength, int valueOffset, int valueLength, Headers headers) {
        if (!view.isReadOnly() || view.capacity() != buf.length) {
            throw new IllegalArgumentException("view must be a read-only buffer over all of buf");
        }
        this.view = view;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.buf = buf;
        this.keyOffset = keyOffset;
        this.keyLength = keyLength;
        this.valueOffset = valueOffset;
        this.valueLength = valueLength;
        this.headers = headers;
    }

    /**
     * A record of {@code key} and {@code value}, for tests and adapters: without a key it holds {@code value} itself
     * (not copied: it must not change afterwards); with one, both are copied into one array. A null value (a Kafka
     * tombstone) is an empty one: Sluice's values are never null.
     */
    public static Record of(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Headers headers) {
        byte[] v = value == null ? EMPTY : value;
        Headers h = headers == null ? Headers.empty() : headers;
        if (key == null) {
            return new Record(topic, partition, offset, timestamp, v, 0, -1, 0, v.length, h);
        }
        byte[] buf = new byte[key.length + v.length];
        System.arraycopy(key, 0, buf, 0, key.length);
        System.arraycopy(v, 0, buf, key.length, v.length);
        return new Record(topic, partition, offset, timestamp, buf, 0, key.length, key.length, v.length, h);
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public long offset() {
        return offset;
    }

    /** Milliseconds since the epoch, set by the producer (or by the message). */
    public long timestamp() {
        return timestamp;
    }

    /** A copy of the key, or null. */
    public byte[] key() {
        return keyLength < 0 ? null : Arrays.copyOfRange(buf, keyOffset, keyOffset + keyLength);
    }

    /** The key decoded as UTF-8, or null. */
    public String keyAsString() {
        return keyLength < 0 ? null : new String(buf, keyOffset, keyLength, StandardCharsets.UTF_8);
    }

    /** A read-only view of the key without copying, or null. */
    public ByteBuffer keyBuffer() {
        return keyLength < 0 ? null : view.slice(keyOffset, keyLength);
    }

    public boolean hasKey() {
        return keyLength >= 0;
    }

    /** Hash of the key bytes (0 for a null key), without copying them. */
    public int keyHash() {
        if (keyLength < 0) {
            return 0;
        }
        int h = 1;
        for (int i = keyOffset, end = keyOffset + keyLength; i < end; i++) {
            h = 31 * h + buf[i];
        }
        return h;
    }

    /** True when both records have equal keys (both null counts as equal). */
    public boolean sameKey(Record other) {
        if (keyLength < 0 || other.keyLength < 0) {
            return keyLength < 0 && other.keyLength < 0;
        }
        return Arrays.equals(buf, keyOffset, keyOffset + keyLength, other.buf, other.keyOffset, other.keyOffset + other.keyLength);
    }

    /**
     * The key as {@code serde} reads it (the serde gets null for a null key), with this record's topic and headers.
     *
     * @throws DeserializationException when the serde cannot read it: names this record, the key and the serde, and has
     *         the serde's error as its cause
     */
    public <T> T key(Serde<T> serde) {
        return read(serde, true, key());
    }

    /**
     * The value as {@code serde} reads it, with this record's topic and headers. A value is never null: an empty one
     * (which is also what a Kafka tombstone reads as) goes to the serde as empty bytes.
     *
     * @throws DeserializationException when the serde cannot read it: names this record, the value and the serde, and
     *         has the serde's error as its cause
     */
    public <T> T value(Serde<T> serde) {
        return read(serde, false, value());
    }

    private <T> T read(Serde<T> serde, boolean isKey, byte[] bytes) {
        Check.notNull(isKey ? "key serde" : "value serde", serde);
        try {
            return serde.deserialize(topic, headers, bytes);
        } catch (RuntimeException e) {
            throw new DeserializationException(topic, partition, offset, isKey, serde, e);
        }
    }

    /** A copy of the value. */
    public byte[] value() {
        return Arrays.copyOfRange(buf, valueOffset, valueOffset + valueLength);
    }

    /** The value decoded as UTF-8. */
    public String valueAsString() {
        return new String(buf, valueOffset, valueLength, StandardCharsets.UTF_8);
    }

    /** A read-only view of the value without copying. */
    public ByteBuffer valueBuffer() {
        return view.slice(valueOffset, valueLength);
    }

    public int valueLength() {
        return valueLength;
    }

    /** Key and value bytes, for byte meters. */
    public int sizeInBytes() {
        return Math.max(keyLength, 0) + valueLength;
    }

    public Headers headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "Record{" + topic + "-" + partition + "@" + offset + ", ts=" + timestamp + ", key=" + keyAsString()
                + ", " + valueLength + " value bytes, headers=" + headers + "}";
    }
}
