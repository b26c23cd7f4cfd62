package io.sluice.log;

import io.sluice.record.TopicPartition;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps committed group positions: per group and partition, the next offset the group will read.
 * Must be non-blocking. The in-memory implementation is {@link #inMemory()}.
 */
public interface OffsetStore {

    /** Stores these positions for {@code group}; completes once they are as durable as this store makes them. */
    Mono<Void> commit(String group, Map<TopicPartition, Long> offsets);

    /** Every committed position of {@code group}; empty for a group that never committed. */
    Mono<Map<TopicPartition, Long>> committed(String group);

    /** Ids of every group with committed positions. */
    Flux<String> groups();

    /** Forgets every position in {@code topic} (the topic was deleted). */
    Mono<Void> deleteTopic(String topic);

    static OffsetStore inMemory() {
        return new MemoryOffsetStore();
    }
}
