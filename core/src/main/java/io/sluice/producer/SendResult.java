package io.sluice.producer;

/**
 * What became of one sent record: where it went and, with acks other than {@link Acks#NONE}, its offset.
 *
 * @param offset the record's offset, or -1 with {@link Acks#NONE}
 * @param correlation the metadata given in {@link OutboundMessage}
 */
public record SendResult<T>(String topic, int partition, long offset, long timestamp, T correlation) {
}
