package io.sluice.spi;

import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.producer.OutboundMessage;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One partition's share of a {@link RecordAccumulator}: the open batch that records join, the closed batches waiting
 * for a slot in the partition's window, and those appended and not yet acknowledged. Guarded by the accumulator's
 * monitor. The open batch is encoded as records join it ({@link BatchBuilder}), or, for a partition that
 * {@linkplain SendTarget.Partition#appendsMessages() appends messages}, keeps the messages themselves
 * ({@link MessageBatch}) and counts the size they would have encoded.
 */
final class PartitionBatches {
    final SendTarget.Topic topic;
    final SendTarget.Partition partition;
    final int maxRecords;
    /** Null when the partition appends messages. */
    final BatchBuilder builder;
    /** When the partition appends messages: the open batch's messages, and the bytes they would take encoded. */
    OutboundMessage<?>[] messages;
    int estimatedBytes;
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
        if (partition.appendsMessages()) {
            this.builder = null;
            this.messages = new OutboundMessage<?>[16];
            this.estimatedBytes = RecordBatch.HEADER_SIZE;
        } else {
            this.builder = new BatchBuilder(Math.min(batchSize, 64 * 1024) + RecordBatch.HEADER_SIZE);
        }
    }

    /** The open batch's size, header included: encoded, or as it would encode. */
    int sizeInBytes() {
        return builder != null ? builder.sizeInBytes() : estimatedBytes;
    }

    /** @param size the message's {@link BatchBuilder#estimateSize} */
    void add(long timestamp, OutboundMessage<?> m, int size) {
        if (count == correlations.length) {
            correlations = Arrays.copyOf(correlations, count * 2);
            timestamps = Arrays.copyOf(timestamps, count * 2);
            if (builder == null) {
                messages = Arrays.copyOf(messages, count * 2);
            }
        }
        if (builder != null) {
            builder.append(timestamp, m.key(), m.value(), m.headers());
        } else {
            messages[count] = m;
            estimatedBytes += size;
        }
        correlations[count] = m.correlation();
        timestamps[count] = timestamp;
        bytes += (m.key() == null ? 0 : m.key().length) + m.value().length;
        count++;
    }

    ProducerBatch close(RecordAccumulator.Results owner, long producerId) {
        ProducerBatch b = builder != null
                ? new ProducerBatch(owner, this, builder.build(producerId, nextSequence), null, correlations, timestamps, count, bytes)
                : new ProducerBatch(owner, this, null, new MessageBatch(messages, timestamps, count), correlations, timestamps, count, bytes);
        nextSequence += count;
        heldByWindow = false;
        int capacity = Math.max(16, count + (count >> 2)); // the next batch is likely as big: no regrowth
        correlations = new Object[capacity];
        timestamps = new long[capacity];
        if (builder == null) {
            messages = new OutboundMessage<?>[capacity];
            estimatedBytes = RecordBatch.HEADER_SIZE;
        }
        count = 0;
        bytes = 0;
        return b;
    }
}
