package io.sluice.testing;

import io.sluice.producer.OutboundMessage;
import io.sluice.record.Record;
import java.nio.ByteBuffer;
import java.util.function.LongFunction;
import reactor.core.publisher.Flux;

/** Test records whose value starts with a sequence number, so that tests can check loss, duplicates and order. */
public final class Messages {
    private Messages() {
    }

    /** A value of {@code size} bytes (at least 8) starting with {@code seq}. */
    public static byte[] value(long seq, int size) {
        return ByteBuffer.allocate(Math.max(8, size)).putLong(0, seq).array();
    }

    /** The sequence number at the start of a record's value. */
    public static long seq(Record record) {
        return record.valueBuffer().getLong(0);
    }

    /** {@code count} messages to {@code topic} with sequence numbers 0..count-1, keys from {@code key} (null: no key). */
    public static Flux<OutboundMessage<Long>> sequence(String topic, int count, LongFunction<String> key) {
        return Flux.range(0, count).map(i -> OutboundMessage.of(topic, key == null ? null : key.apply(i), value(i, 16), (long) i));
    }
}
