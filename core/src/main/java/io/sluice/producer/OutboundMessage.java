package io.sluice.producer;

import io.sluice.check.Check;
import io.sluice.record.Headers;
import java.nio.charset.StandardCharsets;

/**
 * A record to send: topic, nullable key, value, headers, and correlation metadata of your own that comes
 * back in its {@link SendResult}. The partition is chosen by the producer's partitioner unless
 * {@link #withPartition} fixes it; the timestamp is the send time unless {@link #withTimestamp} sets it.
 *
 * <pre>{@code OutboundMessage.of("orders", order.id(), order.bytes(), order.seq())}</pre>
 *
 * @param <T> the correlation metadata's type
 */
public final class OutboundMessage<T> {
    /** Marks "not set" for {@link #partition()} and {@link #timestamp()}. */
    public static final int UNSET = -1;

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
