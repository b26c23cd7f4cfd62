package io.sluice.spi;

import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.producer.OutboundMessage;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One partition's share of a {@link RecordAccumulator}: the open batch that records join, the closed batches waiting
 * for a slot in the partition's window, and those appended and not yet acknowledged. Guarded by the accumulator's
 * monitor.
 */
final class PartitionBatches {
    final SendTarget.Topic topic;
    final SendTarget.Partition partition;
    final int maxRecords;
    final BatchBuilder builder;
    final ArrayDeque<ProducerBatch> ready = new ArrayDeque<>();
    final ArrayDeque<ProducerBatch> unacknowledged = new ArrayDeque<>();
    Object[] correlations = new Object[16];
    long[] timestamps = new long[16];
    int count;
    long bytes;
    long openedAtNanos;
    int inFlight;
    int nextSequence;
    /** In the accumulator's list of open batches. */
    boolean listed;
    /** The open batch stayed open because the window was full: the next acknowledgement closes it. */
    boolean heldByWindow;

    PartitionBatches(SendTarget.Topic topic, SendTarget.Partition partition, int batchSize) {
        this.topic = topic;
        this.partition = partition;
        this.maxRecords = (int) Math.min(Integer.MAX_VALUE, topic.maxBatchRecords());
        this.builder = new BatchBuilder(Math.min(batchSize, 64 * 1024) + RecordBatch.HEADER_SIZE);
    }

    void add(long timestamp, OutboundMessage<?> m) {
        if (count == correlations.length) {
            correlations = Arrays.copyOf(correlations, count * 2);
            timestamps = Arrays.copyOf(timestamps, count * 2);
        }
        builder.append(timestamp, m.key(), m.value(), m.headers());
        correlations[count] = m.correlation();
        timestamps[count] = timestamp;
        bytes += (m.key() == null ? 0 : m.key().length) + m.value().length;
        count++;
    }

    ProducerBatch close(RecordAccumulator.Results owner, long producerId) {
        ProducerBatch b = new ProducerBatch(owner, this, builder.build(producerId, nextSequence), correlations, timestamps, count, bytes);
        nextSequence += count;
        heldByWindow = false;
        int capacity = Math.max(16, count + (count >> 2)); // the next batch is likely as big: no regrowth
        correlations = new Object[capacity];
        timestamps = new long[capacity];
        count = 0;
        bytes = 0;
        return b;
    }
}
