package io.sluice.serde;

import io.sluice.record.Headers;

/**
 * Turns values of type {@code T} into a record's key or value bytes and back. Sluice itself moves bytes; a serde is
 * how typed code reads and writes them: {@code OutboundMessage.of("orders", order.id(), order, json, order.seq())},
 * {@code record.value(json)}, {@code consumer.process(json, (record, order) -> billing.charge(order))}.
 *
 * <p>Both methods get the record's topic and headers, as Kafka's serializers do, for a format that depends on them; most
 * ignore them. A serde MUST map {@code null} to {@code null} both ways (a missing key, a Kafka tombstone), must be
 * safe to call from several threads at once, and must not block: records are read on Sluice's non-blocking threads.
 * When it cannot write or read, it throws (any {@link RuntimeException} saying why); {@code record.value(serde)} wraps
 * that in a {@link io.sluice.errors.DeserializationException} naming the record.
 *
 * @param <T> the type of the values
 */
public interface Serde<T> {

    /** The bytes of {@code value} for a record of {@code topic} with {@code headers}; null for null. */
    byte[] serialize(String topic, Headers headers, T value);

    /** The value that {@code data}, the key or value of a record of {@code topic} with {@code headers}, holds; null for null. */
    T deserialize(String topic, Headers headers, byte[] data);
}
