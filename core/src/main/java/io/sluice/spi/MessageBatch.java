package io.sluice.spi;

import io.sluice.producer.OutboundMessage;

/**
 * A closed batch's messages as the user sent them, not encoded: what a producer appends to a partition that
 * {@linkplain SendTarget.Partition#appendsMessages() appends messages}, a target whose log is written through another
 * system's client that encodes the records itself (Kafka's producer). Encoding them into a
 * {@link io.sluice.log.RecordBatch} first would only be decoded again on the way there.
 *
 * <p>The messages are the producer's until the append's callback fires, as a {@code RecordBatch} is; their key,
 * value and header arrays are the user's own, not copies (as with Kafka's {@code ProducerRecord}), so a user who
 * changes an array after sending it changes what is written.
 */
public final class MessageBatch {
    private final OutboundMessage<?>[] messages;
    private final long[] timestamps;
    private final int count;

    MessageBatch(OutboundMessage<?>[] messages, long[] timestamps, int count) {
        this.messages = messages;
        this.timestamps = timestamps;
        this.count = count;
    }

    /** How many messages the batch holds. */
    public int count() {
        return count;
    }

    /** Message {@code i} of the batch, in send order. */
    public OutboundMessage<?> message(int i) {
        return messages[i];
    }

    /** The timestamp of message {@code i}: its own, or the target's clock when the producer took it. */
    public long timestamp(int i) {
        return timestamps[i];
    }

    @Override
    public String toString() {
        return "MessageBatch[" + count + " messages]";
    }
}
