package io.sluice.partition;

import io.sluice.producer.OutboundMessage;

/**
 * Chooses the partition of a record that does not fix one itself. Implementations must be thread-safe:
 * one producer may run several {@code send} calls at once. Built-in strategies are in {@link Partitioners};
 * plug your own with {@code ProducerOptions.partitioner(myPartitioner)}.
 */
@FunctionalInterface
public interface Partitioner {

    /**
     * @param message the record to place
     * @param partitions the topic's partition count, at least 1
     * @return a partition in {@code [0, partitions)}
     */
    int partition(OutboundMessage<?> message, int partitions);

    /**
     * Called when the producer closes the open batch of {@code partition} of {@code topic}; the sticky
     * partitioner moves on to another partition here.
     */
    default void onBatchClosed(String topic, int partition) {
    }
}
