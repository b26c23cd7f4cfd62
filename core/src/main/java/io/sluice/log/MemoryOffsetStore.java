package io.sluice.log;

import io.sluice.record.TopicPartition;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Committed positions in a map: gone with the process. */
final class MemoryOffsetStore implements OffsetStore {
    private final Map<String, Map<TopicPartition, Long>> offsets = new ConcurrentHashMap<>();

    @Override
    public Mono<Void> commit(String group, Map<TopicPartition, Long> positions) {
        return Mono.fromRunnable(() -> offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(positions));
    }

    @Override
    public Mono<Map<TopicPartition, Long>> committed(String group) {
        return Mono.fromSupplier(() -> Map.copyOf(offsets.getOrDefault(group, Map.of())));
    }

    @Override
    public Flux<String> groups() {
        return Flux.defer(() -> Flux.fromIterable(new TreeMap<>(offsets).keySet()));
    }

    @Override
    public Mono<Void> deleteTopic(String topic) {
        return Mono.fromRunnable(() -> offsets.values().forEach(m -> m.keySet().removeIf(tp -> tp.topic().equals(topic))));
    }
}
