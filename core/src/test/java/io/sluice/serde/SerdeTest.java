package io.sluice.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.errors.DeserializationException;
import io.sluice.producer.OutboundMessage;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The built-in serdes, their wire formats, and typed access on {@link OutboundMessage} and {@link Record}. */
class SerdeTest {

    @Test
    void eachBuiltInRoundTripsItsValuesAndNull() {
        for (byte[] bytes : List.of(new byte[0], new byte[] {0, -1, 127, -128})) {
            assertThat(roundTrip(Serdes.bytes(), bytes)).containsExactly(bytes);
        }
        for (String text : List.of("", "orders", "Grüße aus Köln, 東京, עברית, \uD83D\uDE80 \u0000 end")) {
            assertThat(roundTrip(Serdes.string(), text)).isEqualTo(text);
        }
        for (long n : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, 255, 256, Long.MAX_VALUE}) {
            assertThat(roundTrip(Serdes.longs(), n)).isEqualTo(n);
        }
        for (UUID id : List.of(UUID.randomUUID(), new UUID(0, 0), new UUID(-1, -1), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))) {
            assertThat(roundTrip(Serdes.uuid(), id)).isEqualTo(id);
        }
        for (Serde<?> serde : List.of(Serdes.bytes(), Serdes.string(), Serdes.longs(), Serdes.uuid())) {
            assertThat(roundTrip(serde, null)).as("%s of null", serde).isNull();
            assertThat(serde.deserialize("t", Headers.empty(), null)).as("%s of null bytes", serde).isNull();
        }
    }

    @Test
    void theBuiltInsWriteKafkasWireFormats() {
        assertThat(Serdes.longs().serialize("t", Headers.empty(), 1L)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(Serdes.longs().serialize("t", Headers.empty(), 258L)).containsExactly(0, 0, 0, 0, 0, 0, 1, 2);
        assertThat(Serdes.longs().serialize("t", Headers.empty(), -2L)).containsExactly(-1, -1, -1, -1, -1, -1, -1, -2);
        assertThat(Serdes.longs().serialize("t", Headers.empty(), Long.MIN_VALUE)).containsExactly(-128, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Serdes.string().serialize("t", Headers.empty(), "é€")).containsExactly(0xC3 - 256, 0xA9 - 256, 0xE2 - 256, 0x82 - 256, 0xAC - 256);
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(new String(Serdes.uuid().serialize("t", Headers.empty(), id), StandardCharsets.UTF_8))
                .isEqualTo("123e4567-e89b-12d3-a456-426614174000");
        byte[] raw = {1, 2};
        assertThat(Serdes.bytes().serialize("t", Headers.empty(), raw)).isSameAs(raw);
    }

    @Test
    void aLongOfAnyLengthButEightBytesIsAnErrorSayingWhatWasExpected() {
        for (int length : new int[] {0, 3, 7, 9}) {
            assertThatThrownBy(() -> Serdes.longs().deserialize("t", Headers.empty(), new byte[length]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a Long is 8 bytes (big-endian), was " + length + " bytes");
        }
    }

    @Test
    void aUuidThatIsNotItsThirtySixCharacterTextIsAnErrorSayingWhatWasExpected() {
        for (String text : List.of("", "1-2-3-4-5", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g")) {
            assertThatThrownBy(() -> Serdes.uuid().deserialize("t", Headers.empty(), text.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a UUID is 36 characters (8-4-4-4-12 hex digits), was \"" + text + "\"");
        }
    }

    @Test
    void aRecordReadsItsKeyAndValueTyped() {
        UUID id = UUID.randomUUID();
        Record record = Record.of("orders", 3, 42, 0, Serdes.uuid().serialize("orders", Headers.empty(), id),
                Serdes.longs().serialize("orders", Headers.empty(), 1234L), Headers.empty());
        UUID key = record.key(Serdes.uuid());
        long value = record.value(Serdes.longs());
        assertThat(key).isEqualTo(id);
        assertThat(value).isEqualTo(1234L);
        assertThat(Record.of("orders", 0, 0, 0, null, new byte[0], null).key(Serdes.string())).as("no key").isNull();
        assertThat(Record.of("orders", 0, 0, 0, null, new byte[0], null).value(Serdes.string())).as("an empty value").isEmpty();
    }

    @Test
    void aValueTheSerdeCannotReadIsAnErrorNamingTopicPartitionOffsetAndTheSerdesCause() {
        Record record = Record.of("orders", 3, 42, 0, "k".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, Headers.empty());
        assertThatThrownBy(() -> record.value(Serdes.longs()))
                .isInstanceOfSatisfying(DeserializationException.class, e -> {
                    assertThat(e.topic()).isEqualTo("orders");
                    assertThat(e.partition()).isEqualTo(3);
                    assertThat(e.offset()).isEqualTo(42);
                    assertThat(e.isKey()).isFalse();
                })
                .hasMessage("cannot deserialize the value of record orders-3@42 with Serdes.longs():"
                        + " a Long is 8 bytes (big-endian), was 3 bytes")
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage("a Long is 8 bytes (big-endian), was 3 bytes");
        assertThatThrownBy(() -> record.key(Serdes.uuid()))
                .isInstanceOfSatisfying(DeserializationException.class, e -> assertThat(e.isKey()).isTrue())
                .hasMessageStartingWith("cannot deserialize the key of record orders-3@42 with Serdes.uuid(): a UUID is 36 characters");
    }

    @Test
    void theSerdeReadsWithTheRecordsTopicAndHeaders() {
        List<String> seen = new ArrayList<>();
        Serde<String> spy = new Serde<>() {
            @Override
            public byte[] serialize(String topic, Headers headers, String value) {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String deserialize(String topic, Headers headers, byte[] data) {
                seen.add(topic + " " + headers.lastString("type"));
                return new String(data, StandardCharsets.UTF_8);
            }
        };
        Record record = Record.of("orders", 0, 0, 0, null, "v".getBytes(StandardCharsets.UTF_8), Headers.of("type", "order.v2"));
        assertThat(record.value(spy)).isEqualTo("v");
        assertThat(seen).containsExactly("orders order.v2");
    }

    @Test
    void anOutboundMessageTakesATypedKeyAndValueWhichKeepTheirBytesOnTheWay() {
        UUID id = UUID.randomUUID();
        OutboundMessage<String> typed = OutboundMessage.of("orders", id, Serdes.uuid(), 99L, Serdes.longs(), "corr");
        assertThat(typed.key()).isEqualTo(id.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(typed.value()).containsExactly(0, 0, 0, 0, 0, 0, 0, 99);
        assertThat(typed.correlation()).isEqualTo("corr");

        OutboundMessage<Integer> stringKeyed = OutboundMessage.of("orders", "customer-7", "Grüße", Serdes.string(), 7);
        assertThat(stringKeyed.key()).isEqualTo("customer-7".getBytes(StandardCharsets.UTF_8));
        assertThat(stringKeyed.value()).isEqualTo("Grüße".getBytes(StandardCharsets.UTF_8));

        OutboundMessage<Void> tombstone = OutboundMessage.of("orders", null, Serdes.uuid(), (Long) null, Serdes.longs(), null);
        assertThat(tombstone.key()).as("a key the serde writes as null is no key").isNull();
        assertThat(tombstone.value()).as("a null value is sent empty").isEmpty();

        assertThatThrownBy(() -> OutboundMessage.of("orders", "k", 1L, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("valueSerde must not be null");
    }

    /**
     * Jackson is an optional dependency: with only core's classes and the JDK (no Jackson, no Reactor), the built-ins
     * and typed records load and work, while JsonSerde, the one class that needs Jackson, does not.
     */
    @Test
    void theBuiltInsAndTypedRecordsWorkWithoutJacksonOnTheClassPath() throws Exception {
        URL coreClasses = Serde.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutJackson = new URLClassLoader(new URL[] {coreClasses}, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, withoutJackson))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> serdes = Class.forName(Serdes.class.getName(), true, withoutJackson);
            Class<?> record = Class.forName(Record.class.getName(), true, withoutJackson);
            Class<?> headers = Class.forName(Headers.class.getName(), true, withoutJackson);
            Class<?> serde = Class.forName(Serde.class.getName(), true, withoutJackson);
            Object longs = serdes.getMethod("longs").invoke(null);
            Object noHeaders = headers.getMethod("empty").invoke(null);
            Object bytes = serde.getMethod("serialize", String.class, headers, Object.class).invoke(longs, "t", noHeaders, 42L);
            Object r = record.getMethod("of", String.class, int.class, long.class, long.class, byte[].class, byte[].class, headers)
                    .invoke(null, "t", 0, 0L, 0L, null, bytes, noHeaders);
            assertThat(record.getMethod("value", serde).invoke(r, longs)).isEqualTo(42L);

            Class<?> json = Class.forName(JsonSerde.class.getName(), false, withoutJackson);
            assertThatThrownBy(() -> json.getMethod("of", Class.class).invoke(null, String.class))
                    .hasRootCauseInstanceOf(ClassNotFoundException.class);
        }
    }

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserialize("t", Headers.empty(), serde.serialize("t", Headers.empty(), value));
    }
}
