package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.record.Headers;
import io.sluice.serde.Serde;
import io.sluice.serde.Serdes;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sluice's built-in serdes write what Kafka's own write and read what they read, so that a topic on Kafka reads the
 * same from {@code KafkaSluice} and from Kafka's clients.
 */
class SerdesWireFormatTest {

    @Test
    void theBuiltInsWriteAndReadTheBytesOfKafkasSerdes() {
        same(Serdes.string(), org.apache.kafka.common.serialization.Serdes.String(),
                List.of("", "orders", "Grüße, 東京, \uD83D\uDE80"));
        same(Serdes.longs(), org.apache.kafka.common.serialization.Serdes.Long(),
                List.of(Long.MIN_VALUE, -1L, 0L, 1L, 258L, Long.MAX_VALUE));
        same(Serdes.uuid(), org.apache.kafka.common.serialization.Serdes.UUID(),
                List.of(UUID.randomUUID(), new UUID(0, 0), new UUID(-1, -1)));
        same(Serdes.bytes(), org.apache.kafka.common.serialization.Serdes.ByteArray(),
                List.of(new byte[0], new byte[] {1, -2, 3}));
    }

    private static <T> void same(Serde<T> sluice, org.apache.kafka.common.serialization.Serde<T> kafka, List<T> values) {
        for (T value : values) {
            byte[] ours = sluice.serialize("t", Headers.empty(), value);
            byte[] theirs = kafka.serializer().serialize("t", value);
            assertThat(ours).as("%s of %s", sluice, value).isEqualTo(theirs);
            assertThat(sluice.deserialize("t", Headers.empty(), theirs)).as("%s reading Kafka's %s", sluice, value).isEqualTo(value);
            assertThat(kafka.deserializer().deserialize("t", ours)).as("Kafka reading %s of %s", sluice, value).isEqualTo(value);
        }
        assertThat(sluice.serialize("t", Headers.empty(), null)).isNull();
        assertThat(kafka.serializer().serialize("t", null)).isNull();
    }
}
