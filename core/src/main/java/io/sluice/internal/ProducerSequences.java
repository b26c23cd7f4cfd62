package io.sluice.internal;

import io.sluice.errors.OutOfOrderSequenceException;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Idempotent producers' last batches in one partition: a batch resent with a producer id and base sequence seen
 * before is answered with the first copy's offsets instead of being appended twice, and a batch that skips a
 * sequence is refused. A batch with a negative producer id is not idempotent and never looked up.
 *
 * <p>Guarded by the partition's monitor: {@link PartitionState} calls in holding it.
 */
final class ProducerSequences {
    /** Producer ids a partition remembers for deduplication (Kafka expires them by time; we bound the count). */
    static final int MAX_PRODUCERS = 1024;
    /** Batches per producer a partition remembers: a resend of an older one is refused as out of order. */
    static final int SEQUENCE_WINDOW = 16;

    private final TopicPartition tp;
    /** By producer id, least recently used first. */
    private final LinkedHashMap<Long, LastBatches> producers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, LastBatches> eldest) {
            return size() > MAX_PRODUCERS;
        }
    };

    ProducerSequences(TopicPartition tp) {
        this.tp = tp;
    }

    /**
     * The answer to {@code batch} when it must not be appended: the first copy's append for a resend, a refusal
     * when its sequence is not the next one; null when it is new.
     */
    PartitionState.Appended check(RecordBatch batch) {
        LastBatches sequences = batch.producerId() < 0 ? null : producers.get(batch.producerId());
        if (sequences != null) {
            PartitionState.Appended first = sequences.find(batch.baseSequence());
            if (first != null) {
                return new PartitionState.Appended(first.base(), first.stored(), true, null);
            }
            if (batch.baseSequence() != sequences.next) {
                return PartitionState.Appended.refused(new OutOfOrderSequenceException("partition " + tp + " expected sequence "
                        + sequences.next + " from producer " + batch.producerId() + ", got " + batch.baseSequence()
                        + ": a batch before it failed or is older than the last " + SEQUENCE_WINDOW + " batches"));
            }
        }
        return null;
    }

    /** For an idempotent producer's batch (producer id not negative): remembers its sequence and offsets. */
    void remember(RecordBatch batch, PartitionState.Appended appended) {
        long pid = batch.producerId();
        if (pid >= 0) {
            producers.computeIfAbsent(pid, p -> new LastBatches()).record(batch.baseSequence(), batch.count(), appended);
        }
    }

    /** The last batches appended for one idempotent producer, and the base sequence its next batch must have. */
    private static final class LastBatches {
        final int[] sequences = new int[SEQUENCE_WINDOW];
        final PartitionState.Appended[] appended = new PartitionState.Appended[SEQUENCE_WINDOW];
        int size;
        int next;

        PartitionState.Appended find(int sequence) {
            for (int i = 0; i < size; i++) {
                if (sequences[i] == sequence) {
                    return appended[i];
                }
            }
            return null;
        }

        void record(int sequence, int count, PartitionState.Appended a) {
            int i = size < SEQUENCE_WINDOW ? size++ : oldest();
            sequences[i] = sequence;
            appended[i] = a;
            next = sequence + count;
        }

        private int oldest() {
            int o = 0;
            for (int i = 1; i < size; i++) {
                if (appended[i].base() < appended[o].base()) {
                    o = i;
                }
            }
            return o;
        }
    }
}
