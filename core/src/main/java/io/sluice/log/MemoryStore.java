package io.sluice.log;

import io.sluice.admin.TopicSpec;
import io.sluice.record.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The store that keeps nothing beyond the engine's memory logs. */
final class MemoryStore implements LogStore {
    static final MemoryStore INSTANCE = new MemoryStore();

    private MemoryStore() {
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public Mono<Void> createTopic(TopicSpec spec) {
        return Mono.empty();
    }

    @Override
    public Mono<Void> deleteTopic(String topic) {
        return Mono.empty();
    }

    @Override
    public Flux<TopicSpec> topics() {
        return Flux.empty();
    }

    @Override
    public Mono<Void> append(TopicPartition partition, RecordBatch batch) {
        return Mono.empty();
    }

    @Override
    public Flux<RecordBatch> read(TopicPartition partition, long fromOffset, int maxBatches) {
        return Flux.empty();
    }

    @Override
    public Mono<Void> deleteBefore(TopicPartition partition, long offset) {
        return Mono.empty();
    }

    @Override
    public Mono<Void> deleteFrom(TopicPartition partition, long offset) {
        return Mono.empty();
    }

    @Override
    public Mono<OffsetRange> offsets(TopicPartition partition) {
        return Mono.just(OffsetRange.EMPTY);
    }

    @Override
    public Mono<Long> offsetForTimestamp(TopicPartition partition, long timestampMillis) {
        return Mono.just(0L);
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "memory";
    }
}
