package io.sluice.log;

import io.sluice.admin.TopicSpec;
import io.sluice.record.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where partition logs are kept beyond the engine's in-memory partition logs. The engine assigns offsets and keeps
 * the newest records of every partition in memory for its consumers; a store persists each batch as its
 * codec made it and gives topics and batches back after a restart. Must be non-blocking.
 *
 * <p>{@link #inMemory()} persists nothing: the memory logs are the whole store, and {@code Acks.STORED}
 * means what {@code Acks.APPENDED} means. Durable stores are in {@code sluice-store-r2dbc}.
 */
public interface LogStore extends AutoCloseable {

    /**
     * True when the engine should store batches here and recover from it at start-up (and then {@code Acks.STORED}
     * waits for the store). A durable store survives a process crash; a test store such as {@code R2dbcStore.h2Memory()}
     * says true without surviving one.
     */
    boolean durable();

    Mono<Void> createTopic(TopicSpec spec);

    Mono<Void> deleteTopic(String topic);

    /** Every stored topic, for recovery at start-up. */
    Flux<TopicSpec> topics();

    /**
     * Stores one batch whose offsets are assigned; completes once it is durable (group commit welcome). The engine
     * gives a partition's batches in offset order and expects a store to keep them so; a crash may cut the tail
     * (never leave a gap). After a failed append the engine {@link #read}s to see whether the batch landed and
     * appends it again when it did not, so a store may see the batches after a failed one before it.
     */
    Mono<Void> append(TopicPartition partition, RecordBatch batch);

    /** Stored batches holding offsets at or after {@code fromOffset}, in order, at most {@code maxBatches}. */
    Flux<RecordBatch> read(TopicPartition partition, long fromOffset, int maxBatches);

    /**
     * Removes whole batches that end before {@code offset} (retention), and remembers {@code offset} as the
     * partition's start, so that {@link #offsets} stays right when every batch is gone.
     */
    Mono<Void> deleteBefore(TopicPartition partition, long offset);

    /**
     * Removes the stored batches that hold offsets at or after {@code offset}. Recovery calls it when a
     * partition's stored batches have a gap (a failed append the engine had not yet stored again when the process
     * stopped): what follows the gap was never acknowledged, and new batches take its offsets.
     */
    Mono<Void> deleteFrom(TopicPartition partition, long offset);

    /** The offsets stored for {@code partition}, for recovery at start-up; {@link OffsetRange#EMPTY} if none. */
    Mono<OffsetRange> offsets(TopicPartition partition);

    /**
     * Where the stored batches of {@code partition} stop following one another: the offset after the last batch that,
     * with every batch before it from the first stored one, leaves no gap; {@code offsets(partition).end()} when there
     * is none. Recovery asks once per partition at start-up, before it loads only the newest batches, so a store
     * should answer from the batches' offsets alone (one query, no batch bytes). This default reads every batch.
     */
    default Mono<Long> contiguousEnd(TopicPartition partition) {
        return offsets(partition).flatMap(range -> {
            if (range.size() == 0) {
                return Mono.just(range.end());
            }
            long[] expected = {range.start()};
            return read(partition, range.start(), 1024).collectList()
                    .expand(batches -> {
                        for (RecordBatch b : batches) {
                            if (b.baseOffset() != expected[0]) {
                                return Mono.empty(); // a gap before b
                            }
                            expected[0] = b.nextOffset();
                        }
                        return batches.size() < 1024 ? Mono.empty() : read(partition, expected[0], 1024).collectList();
                    })
                    .then(Mono.fromSupplier(() -> expected[0]));
        });
    }

    /**
     * The first offset of the first stored batch whose newest record's timestamp is at or after
     * {@code timestampMillis}, or the partition's end offset when there is none (as Kafka's offsetsForTimes).
     */
    Mono<Long> offsetForTimestamp(TopicPartition partition, long timestampMillis);

    @Override
    void close();

    static LogStore inMemory() {
        return MemoryStore.INSTANCE;
    }
}
