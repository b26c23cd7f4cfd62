package io.sluice.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.sluice.check.Check;
import io.sluice.record.Headers;
import java.io.IOException;

/**
 * Values as JSON (UTF-8), with Jackson: {@code JsonSerde.of(Order.class)}, or {@code JsonSerde.of(Order.class, mapper)}
 * with your own configured {@code ObjectMapper}. Records and classes with a default constructor map as Jackson maps
 * them; {@code null} is {@code null} both ways.
 *
 * <p>Jackson ({@code com.fasterxml.jackson.core:jackson-databind}, 2.x) is an optional dependency of
 * {@code sluice-core}: add it to use this class. No other class of Sluice refers to Jackson, so Sluice runs without it
 * as long as this class is not used. Bytes that are not JSON of the type are an error that says where they are not
 * ({@link io.sluice.errors.DeserializationException} when read through a record, with Jackson's as its cause).
 *
 * @param <T> the type of the values
 */
public final class JsonSerde<T> implements Serde<T> {
    /** Shared by the serdes made without a mapper: an {@code ObjectMapper} is thread-safe once configured. */
    private static final class DefaultMapper {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final String type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    private JsonSerde(ObjectMapper mapper, JavaType type) {
        this.type = type.toCanonical();
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
    }

    /**
     * JSON of {@code type}, with a plain {@code ObjectMapper} (Jackson's defaults, no modules: for {@code java.time}
     * and the like, pass a mapper that has them).
     */
    public static <T> JsonSerde<T> of(Class<T> type) {
        return of(type, DefaultMapper.MAPPER);
    }

    /** JSON of {@code type}, with {@code mapper} and its configuration. */
    public static <T> JsonSerde<T> of(Class<T> type, ObjectMapper mapper) {
        Check.notNull("type", type);
        Check.notNull("mapper", mapper);
        return new JsonSerde<>(mapper, mapper.constructType(type));
    }

    /** JSON of a generic type, such as {@code new TypeReference<List<Order>>() {}}, with {@code mapper}. */
    public static <T> JsonSerde<T> of(TypeReference<T> type, ObjectMapper mapper) {
        Check.notNull("type", type);
        Check.notNull("mapper", mapper);
        return new JsonSerde<>(mapper, mapper.constructType(type));
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T value) {
        if (value == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON of " + type
                    + " for topic " + topic + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON of " + type + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JsonSerde.of(" + type + ")";
    }
}
