package io.sluice.serde;

import io.sluice.record.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The built-in {@link Serde}s, in the wire formats of Kafka's own serializers, so that a topic on Kafka reads the same
 * from Sluice and from Kafka's clients ({@code Serdes.String()}, {@code Serdes.Long()}, {@code Serdes.UUID()} there).
 * Each maps {@code null} to {@code null} both ways; each is a stateless singleton.
 */
public final class Serdes {
    private Serdes() {
    }

    /** The bytes themselves, neither copied nor checked. */
    public static Serde<byte[]> bytes() {
        return BYTES;
    }

    /** Text as UTF-8. Bytes that are not UTF-8 read with U+FFFD for what cannot be decoded, as {@code new String} does. */
    public static Serde<String> string() {
        return STRING;
    }

    /** A {@code Long} as 8 bytes, big-endian (two's complement); any other length is an error that says so. */
    public static Serde<Long> longs() {
        return LONG;
    }

    /**
     * A {@code UUID} as its 36-character text ({@code 123e4567-e89b-12d3-a456-426614174000}) in UTF-8, as Kafka's
     * {@code UUIDSerializer} writes it; what does not parse as one is an error that says so.
     */
    public static Serde<UUID> uuid() {
        return UUID_TEXT;
    }

    private static final Serde<byte[]> BYTES = new Named<>("Serdes.bytes()") {
        @Override
        public byte[] serialize(String topic, Headers headers, byte[] value) {
            return value;
        }

        @Override
        public byte[] deserialize(String topic, Headers headers, byte[] data) {
            return data;
        }
    };

    private static final Serde<String> STRING = new Named<>("Serdes.string()") {
        @Override
        public byte[] serialize(String topic, Headers headers, String value) {
            return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String deserialize(String topic, Headers headers, byte[] data) {
            return data == null ? null : new String(data, StandardCharsets.UTF_8);
        }
    };

    private static final Serde<Long> LONG = new Named<>("Serdes.longs()") {
        @Override
        public byte[] serialize(String topic, Headers headers, Long value) {
            return value == null ? null : ByteBuffer.allocate(Long.BYTES).putLong(value).array();
        }

        @Override
        public Long deserialize(String topic, Headers headers, byte[] data) {
            if (data == null) {
                return null;
            }
            if (data.length != Long.BYTES) {
                throw new IllegalArgumentException("a Long is 8 bytes (big-endian), was " + data.length + " bytes");
            }
            return ByteBuffer.wrap(data).getLong();
        }
    };

    private static final Serde<UUID> UUID_TEXT = new Named<>("Serdes.uuid()") {
        @Override
        public byte[] serialize(String topic, Headers headers, UUID value) {
            return value == null ? null : value.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public UUID deserialize(String topic, Headers headers, byte[] data) {
            if (data == null) {
                return null;
            }
            String text = new String(data, StandardCharsets.UTF_8);
            // UUID.fromString also takes shortened fields ("1-2-3-4-5"), which Kafka's reader and UUID.toString do not
            if (text.length() != 36) {
                throw new IllegalArgumentException("a UUID is 36 characters (8-4-4-4-12 hex digits), was " + quote(text));
            }
            try {
                return UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a UUID is 36 characters (8-4-4-4-12 hex digits), was " + quote(text), e);
            }
        }
    };

    private static String quote(String text) {
        return '"' + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + '"';
    }

    /** A serde whose {@code toString()} is how it is made, for error messages. */
    private abstract static class Named<T> implements Serde<T> {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
