/**
 * Typed keys and values on top of Sluice's bytes: a {@link io.sluice.serde.Serde} turns a value into bytes and back
 * (with the record's topic and headers at hand, as Kafka's serializers have them); {@link io.sluice.serde.Serdes}
 * holds the built-ins ({@code byte[]}, UTF-8 {@code String}, {@code Long}, {@code UUID}, in Kafka's wire formats, so
 * that a topic on Kafka reads the same from Kafka's own clients), and {@link io.sluice.serde.JsonSerde} maps objects
 * to JSON with Jackson, an optional dependency that only it loads.
 *
 * <p>Typed access is on the messages and records themselves, the byte API beside it unchanged:
 * {@code OutboundMessage.of(topic, key, value, serde, correlation)}, {@code record.value(serde)},
 * {@code record.key(serde)} and {@code consumer.process(serde, handler)}.
 */
package io.sluice.serde;
