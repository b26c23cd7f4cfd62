package io.sluice.producer;

import io.sluice.check.Check;
import io.sluice.record.Headers;
import io.sluice.serde.Serde;
import java.nio.charset.StandardCharsets;

/**
 * A record to send: topic, nullable key, value, headers, and correlation metadata of your own that comes
 * back in its {@link SendResult}. The partition is chosen by the producer's partitioner unless
 * {@link #withPartition} fixes it; the timestamp is the send time unless {@link #withTimestamp} sets it.
 *
 * <pre>{@code OutboundMessage.of("orders", order.id(), order.bytes(), order.seq())}</pre>
 *
 * <p>Typed keys and values go through a {@link Serde}, which turns them into the bytes sent:
 * {@code OutboundMessage.of("orders", order.id(), order, JsonSerde.of(Order.class), order.seq())}.
 *
 * @param <T> the correlation metadata's type
 */
public final class OutboundMessage<T> {
    /** Marks "not set" for {@link #partition()} and {@link #timestamp()}. */
    public static final int UNSET = -1;
    private static final byte[] EMPTY = new byte[0];

    private final String topic;
    private final byte[] key;
    private final byte[] value;
    private final Headers headers;
    private final int partition;
    private final long timestamp;
    private final T correlation;

    private OutboundMessage(String topic, byte[] key, byte[] value, Headers headers, int partition, long timestamp, T correlation) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.headers = headers;
        this.partition = partition;
        this.timestamp = timestamp;
        this.correlation = correlation;
    }

    public static <T> OutboundMessage<T> of(String topic, byte[] key, byte[] value, T correlation) {
        return new OutboundMessage<>(Check.notBlank("topic", topic), key, Check.notNull("value", value), Headers.empty(),
                UNSET, UNSET, correlation);
    }

    /** A message whose key is a string, encoded as UTF-8. */
    public static <T> OutboundMessage<T> of(String topic, String key, byte[] value, T correlation) {
        return of(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, correlation);
    }

    /**
     * A message whose value is {@code value} as {@code valueSerde} writes it for {@code topic}, and whose key is a string
     * encoded as UTF-8. The serde runs here, with no headers (set them afterwards with {@link #withHeaders}); what it
     * throws is thrown here. A value it writes as null (a null value: a Kafka tombstone) is sent empty, as Sluice's
     * values are never null (see {@code Record.of}). For a key of another type, or raw bytes ({@code Serdes.bytes()}),
     * give its serde too: {@link #of(String, Object, Serde, Object, Serde, Object)}.
     */
    public static <V, T> OutboundMessage<T> of(String topic, String key, V value, Serde<V> valueSerde, T correlation) {
        Check.notBlank("topic", topic);
        Check.notNull("valueSerde", valueSerde);
        return of(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), valueBytes(topic, value, valueSerde),
                correlation);
    }

    /**
     * A message whose key is {@code key} as {@code keySerde} writes it (a key it writes as null is no key) and whose
     * value is {@code value} as {@code valueSerde} writes it; see {@link #of(String, String, Object, Serde, Object)}.
     */
    public static <K, V, T> OutboundMessage<T> of(String topic, K key, Serde<K> keySerde, V value, Serde<V> valueSerde,
                                                  T correlation) {
        Check.notBlank("topic", topic);
        Check.notNull("keySerde", keySerde);
        Check.notNull("valueSerde", valueSerde);
        return of(topic, keySerde.serialize(topic, Headers.empty(), key), valueBytes(topic, value, valueSerde), correlation);
    }

    private static <V> byte[] valueBytes(String topic, V value, Serde<V> serde) {
        byte[] bytes = serde.serialize(topic, Headers.empty(), value);
        return bytes == null ? EMPTY : bytes;
    }

    /** A message without key or correlation metadata. */
    public static OutboundMessage<Void> of(String topic, byte[] value) {
        return of(topic, (byte[]) null, value, null);
    }

    public OutboundMessage<T> withHeaders(Headers headers) {
        return new OutboundMessage<>(topic, key, value, Check.notNull("headers", headers), partition, timestamp, correlation);
    }

    /** Sends to this partition, bypassing the partitioner. */
    public OutboundMessage<T> withPartition(int partition) {
        return new OutboundMessage<>(topic, key, value, headers, Check.notNegative("partition", partition), timestamp, correlation);
    }

    /** The record's timestamp, epoch milliseconds. */
    public OutboundMessage<T> withTimestamp(long timestamp) {
        return new OutboundMessage<>(topic, key, value, headers, partition, Check.notNegative("timestamp", timestamp), correlation);
    }

    public String topic() {
        return topic;
    }

    /** The key, or null. Not copied: do not change it after sending. */
    public byte[] key() {
        return key;
    }

    /** The value. Not copied: do not change it after sending. */
    public byte[] value() {
        return value;
    }

    public Headers headers() {
        return headers;
    }

    /** The fixed partition, or {@link #UNSET}. */
    public int partition() {
        return partition;
    }

    /** The fixed timestamp, or {@link #UNSET}. */
    public long timestamp() {
        return timestamp;
    }

    public T correlation() {
        return correlation;
    }

    @Override
    public String toString() {
        return "OutboundMessage{topic=" + topic + ", key=" + (key == null ? "null" : key.length + " bytes")
                + ", value=" + value.length + " bytes, partition=" + partition + ", correlation=" + correlation + "}";
    }
}
