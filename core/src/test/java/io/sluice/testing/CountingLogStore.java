package io.sluice.testing;

import io.sluice.admin.TopicSpec;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetRange;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A {@link LogStore} that passes everything to another and counts the records its {@link #read} hands out. */
public final class CountingLogStore implements LogStore {
    private final LogStore store;
    private final AtomicLong recordsRead = new AtomicLong();

    public CountingLogStore(LogStore store) {
        this.store = store;
    }

    /** Records in the batches read so far. */
    public long recordsRead() {
        return recordsRead.get();
    }

    @Override
    public boolean durable() {
        return store.durable();
    }

    @Override
    public Mono<Void> createTopic(TopicSpec spec) {
        return store.createTopic(spec);
    }

    @Override
    public Mono<Void> deleteTopic(String topic) {
        return store.deleteTopic(topic);
    }

    @Override
    public Flux<TopicSpec> topics() {
        return store.topics();
    }

    @Override
    public Mono<Void> append(TopicPartition partition, RecordBatch batch) {
        return store.append(partition, batch);
    }

    @Override
    public Flux<RecordBatch> read(TopicPartition partition, long fromOffset, int maxBatches) {
        return store.read(partition, fromOffset, maxBatches).doOnNext(b -> recordsRead.addAndGet(b.count()));
    }

    @Override
    public Mono<Void> deleteBefore(TopicPartition partition, long offset) {
        return store.deleteBefore(partition, offset);
    }

    @Override
    public Mono<Void> deleteFrom(TopicPartition partition, long offset) {
        return store.deleteFrom(partition, offset);
    }

    @Override
    public Mono<OffsetRange> offsets(TopicPartition partition) {
        return store.offsets(partition);
    }

    @Override
    public Mono<Long> contiguousEnd(TopicPartition partition) {
        return store.contiguousEnd(partition);
    }

    @Override
    public Mono<Long> offsetForTimestamp(TopicPartition partition, long timestampMillis) {
        return store.offsetForTimestamp(partition, timestampMillis);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
