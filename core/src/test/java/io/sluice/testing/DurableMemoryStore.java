package io.sluice.testing;

import io.sluice.admin.TopicSpec;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetRange;
import io.sluice.log.OffsetStore;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A store that says it is durable and keeps everything in this object, which outlives the engines that use it:
 * close an engine, open another on the same instance, and it recovers as from a database. For testing the
 * engine's side of durability (recovery, retention, offsets) without one. Batches are kept as copies of their
 * bytes, as a database would.
 */
public final class DurableMemoryStore implements LogStore, OffsetStore {
    private final Map<String, TopicSpec> topics = new ConcurrentHashMap<>();
    private final Map<TopicPartition, NavigableMap<Long, byte[]>> batches = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> starts = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
    private final Map<String, Map<TopicPartition, Long>> committed = new ConcurrentHashMap<>();

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public Mono<Void> createTopic(TopicSpec spec) {
        return Mono.fromRunnable(() -> topics.put(spec.name(), spec));
    }

    @Override
    public Mono<Void> deleteTopic(String topic) {
        return Mono.fromRunnable(() -> {
            topics.remove(topic);
            batches.keySet().removeIf(tp -> tp.topic().equals(topic));
            starts.keySet().removeIf(tp -> tp.topic().equals(topic));
            ends.keySet().removeIf(tp -> tp.topic().equals(topic));
            committed.values().forEach(m -> m.keySet().removeIf(tp -> tp.topic().equals(topic)));
        });
    }

    @Override
    public Flux<TopicSpec> topics() {
        return Flux.defer(() -> Flux.fromIterable(new ArrayList<>(topics.values())));
    }

    /** What {@link #append} does while the store is made to fail. */
    public enum Fault {
        /** Appends work. */
        NONE,
        /** Appends fail and store nothing, as when the database is down. */
        DOWN,
        /** Appends store the batch and fail all the same, as a commit whose answer was lost. */
        ANSWER_LOST
    }

    private volatile Fault fault = Fault.NONE;
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

    private final java.util.concurrent.atomic.AtomicLong failedWrites = new java.util.concurrent.atomic.AtomicLong();

    /** Appends that failed so far (those {@link Fault#ANSWER_LOST} failed after storing their batch included). */
    public long failedWrites() {
        return failedWrites.get();
    }

    /** Batches written so far, counting a batch written twice twice. */
    public long writes() {
        return writes.get();
    }

    /** Makes appends fail (or work again, with {@link Fault#NONE}) from now on. */
    public void fault(Fault fault) {
        this.fault = fault;
    }

    @Override
    public Mono<Void> append(TopicPartition partition, RecordBatch batch) {
        byte[] copy = batch.array().clone();
        long base = batch.baseOffset();
        long next = batch.nextOffset();
        return Mono.fromRunnable(() -> {
            Fault f = fault;
            if (f == Fault.DOWN) {
                failedWrites.incrementAndGet();
                throw new IllegalStateException("the test store is down");
            }
            batches.computeIfAbsent(partition, tp -> new ConcurrentSkipListMap<>()).put(base, copy);
            ends.merge(partition, next, Math::max);
            writes.incrementAndGet();
            if (f == Fault.ANSWER_LOST) {
                failedWrites.incrementAndGet();
                throw new IllegalStateException("the test store lost the answer to a commit");
            }
        });
    }

    /** Removes one stored batch, as a failed write the engine had not yet stored again when its process died. */
    public void lose(TopicPartition partition, long baseOffset) {
        batches.get(partition).remove(baseOffset);
    }

    /** The base offsets of the stored batches of {@code partition}, in order, with each batch's next offset. */
    public NavigableMap<Long, Long> stored(TopicPartition partition) {
        NavigableMap<Long, Long> out = new java.util.TreeMap<>();
        batches.getOrDefault(partition, new ConcurrentSkipListMap<>())
                .forEach((base, bytes) -> out.put(base, RecordBatch.wrap(bytes).nextOffset()));
        return out;
    }

    @Override
    public Flux<RecordBatch> read(TopicPartition partition, long fromOffset, int maxBatches) {
        return Flux.defer(() -> {
            NavigableMap<Long, byte[]> log = batches.getOrDefault(partition, new ConcurrentSkipListMap<>());
            Long first = log.floorKey(fromOffset);
            List<RecordBatch> out = new ArrayList<>();
            for (byte[] bytes : log.tailMap(first == null ? fromOffset : first, true).values()) {
                RecordBatch b = RecordBatch.wrap(bytes.clone());
                if (b.nextOffset() <= fromOffset) {
                    continue;
                }
                b.verify(partition.topic(), partition.partition());
                out.add(b);
                if (out.size() == maxBatches) {
                    break;
                }
            }
            return Flux.fromIterable(out);
        });
    }

    @Override
    public Mono<Void> deleteBefore(TopicPartition partition, long offset) {
        return Mono.fromRunnable(() -> {
            NavigableMap<Long, byte[]> log = batches.get(partition);
            if (log != null) {
                log.entrySet().removeIf(e -> RecordBatch.wrap(e.getValue()).nextOffset() <= offset);
            }
            starts.merge(partition, offset, Math::max);
        });
    }

    @Override
    public Mono<Void> deleteFrom(TopicPartition partition, long offset) {
        return Mono.fromRunnable(() -> {
            NavigableMap<Long, byte[]> log = batches.get(partition);
            if (log != null) {
                log.entrySet().removeIf(e -> RecordBatch.wrap(e.getValue()).nextOffset() > offset);
            }
            ends.compute(partition, (tp, end) -> end == null ? null : Math.min(end, offset));
        });
    }

    @Override
    public Mono<OffsetRange> offsets(TopicPartition partition) {
        return Mono.fromCallable(() -> {
            long end = Math.max(ends.getOrDefault(partition, 0L), starts.getOrDefault(partition, 0L));
            NavigableMap<Long, byte[]> log = batches.get(partition);
            long start = log == null || log.isEmpty() ? end : Math.max(log.firstKey(), starts.getOrDefault(partition, 0L));
            return new OffsetRange(Math.min(start, end), end);
        });
    }

    /** From the stored batches' headers, as a database answers it from its offset columns: no batch is read. */
    @Override
    public Mono<Long> contiguousEnd(TopicPartition partition) {
        return offsets(partition).map(range -> {
            NavigableMap<Long, byte[]> log = batches.getOrDefault(partition, new ConcurrentSkipListMap<>());
            Long expected = null;
            for (Map.Entry<Long, byte[]> e : log.entrySet()) {
                if (expected != null && e.getKey() != expected.longValue()) {
                    return expected;
                }
                expected = RecordBatch.wrap(e.getValue()).nextOffset(); // the header only
            }
            return expected == null ? range.end() : expected;
        });
    }

    @Override
    public Mono<Long> offsetForTimestamp(TopicPartition partition, long timestampMillis) {
        return Mono.fromCallable(() -> {
            NavigableMap<Long, byte[]> log = batches.getOrDefault(partition, new ConcurrentSkipListMap<>());
            for (byte[] bytes : log.values()) {
                RecordBatch b = RecordBatch.wrap(bytes);
                if (b.maxTimestamp() >= timestampMillis) {
                    return b.baseOffset();
                }
            }
            return ends.getOrDefault(partition, 0L);
        });
    }

    @Override
    public Mono<Void> commit(String group, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> copy = new HashMap<>(offsets);
        return Mono.fromRunnable(() -> committed.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(copy));
    }

    @Override
    public Mono<Map<TopicPartition, Long>> committed(String group) {
        return Mono.fromCallable(() -> Map.copyOf(committed.getOrDefault(group, Map.of())));
    }

    @Override
    public Flux<String> groups() {
        return Flux.defer(() -> Flux.fromIterable(new ArrayList<>(committed.keySet())));
    }

    /** Stored batches of {@code partition}: how many the store holds now. */
    public int batchCount(TopicPartition partition) {
        NavigableMap<Long, byte[]> log = batches.get(partition);
        return log == null ? 0 : log.size();
    }

    /** The engine closes its store; this one keeps everything for the next engine. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "durable-memory";
    }
}
