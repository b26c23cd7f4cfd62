package io.sluice.internal;

import io.sluice.admin.TopicSpec;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetRange;
import io.sluice.log.OffsetStore;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * An engine's start-up from a durable store: brings back every topic, each partition's newest batches (at least
 * {@link #TAIL_RECORDS} records, or all when fewer are stored) into the memory log, and every group's committed
 * positions. Older batches stay in the store only, and a consumer that reads them gets them from there
 * ({@link Fetch}); so start-up reads metadata and the tail, and takes as long with a million stored records as with
 * none. The store checks from the batches' offsets alone that its log has no gap ({@link LogStore#contiguousEnd}).
 * The tail also rebuilds the idempotent producers' sequences: a producer whose last batches are older than the tail
 * is not recognized after a restart, and its resends are appended as new batches.
 *
 * <p>Blocking on purpose: it runs once, on the thread that opens the engine, which waits for it before anything
 * else can reach the engine.
 */
final class Recovery {
    private static final Logger log = Loggers.getLogger(Recovery.class);

    /** How long start-up waits for each step of recovering from a durable store. */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(2);
    /** Batches read from the store per query at start-up. */
    private static final int RECOVERY_READ = 1024;
    /** Records per partition that a restart loads into memory, at least (whole batches: the first may start before). */
    static final long TAIL_RECORDS = 16_384;

    private final Engine engine;
    private final LogStore store;
    private final OffsetStore offsetStore;
    private final long tailRecords;

    Recovery(Engine engine) {
        this(engine, TAIL_RECORDS);
    }

    Recovery(Engine engine, long tailRecords) {
        this.engine = engine;
        this.store = engine.store;
        this.offsetStore = engine.offsetStore;
        this.tailRecords = tailRecords;
    }

    /** Registers the recovered topics and groups with the engine; throws when the store contradicts itself. */
    void run() {
        List<TopicSpec> specs = store.topics().collectList().block(RECOVERY_TIMEOUT);
        for (TopicSpec spec : specs == null ? List.<TopicSpec>of() : specs) {
            OffsetRange[] ranges = new OffsetRange[spec.partitions()];
            long[] initial = new long[spec.partitions()];
            List<List<RecordBatch>> tails = new ArrayList<>();
            for (int i = 0; i < ranges.length; i++) {
                TopicPartition tp = new TopicPartition(spec.name(), i);
                OffsetRange range = store.offsets(tp).block(RECOVERY_TIMEOUT);
                if (range.size() > 0) {
                    Long contiguous = store.contiguousEnd(tp).block(RECOVERY_TIMEOUT);
                    if (contiguous != null && contiguous < range.end()) {
                        // A store write failed and the process stopped before storing it again: what follows was never
                        // acknowledged (a batch counts as stored only with every batch before it), and new batches take
                        // its offsets.
                        log.warn("The store's log of {} has a gap at offset {}; removing the {} unacknowledged records after it", tp,
                                contiguous, range.end() - contiguous);
                        store.deleteFrom(tp, contiguous).block(RECOVERY_TIMEOUT);
                        range = new OffsetRange(range.start(), contiguous);
                    }
                }
                ranges[i] = range;
                List<RecordBatch> tail = readTail(tp, range);
                tails.add(tail);
                initial[i] = tail.isEmpty() ? range.end() : tail.get(0).baseOffset();
            }
            TopicState topic = engine.newTopic(spec, initial);
            for (int i = 0; i < ranges.length; i++) {
                PartitionState p = topic.partition(i);
                for (RecordBatch b : tails.get(i)) {
                    if (!p.recover(b)) {
                        throw new IllegalStateException("the store's batch of " + p.tp + " at offset " + b.baseOffset()
                                + " does not follow offset " + p.log.endOffset() + ", although the store found no gap");
                    }
                }
                if (p.log.endOffset() != ranges[i].end()) {
                    throw new IllegalStateException("the store's log of " + p.tp + " ends at offset " + p.log.endOffset()
                            + ", but the store says " + ranges[i].end());
                }
                p.recoveredStart(ranges[i].start());
            }
            engine.topics.put(spec.name(), topic);
            engine.admin.registerGauges(topic);
        }
        List<String> ids = offsetStore.groups().collectList().block(RECOVERY_TIMEOUT);
        for (String id : ids == null ? List.<String>of() : ids) {
            Map<TopicPartition, Long> committed = new HashMap<>();
            Map<TopicPartition, Long> stored = offsetStore.committed(id).block(RECOVERY_TIMEOUT);
            (stored == null ? Map.<TopicPartition, Long>of() : stored).forEach((tp, position) -> {
                // a group may have read, and committed, records that were never stored (see the gap above)
                TopicState t = engine.topics.get(tp.topic());
                boolean known = t != null && tp.partition() < t.partitionCount();
                committed.put(tp, known ? Math.min(position, t.partition(tp.partition()).log.endOffset()) : position);
            });
            engine.groups.put(id, new GroupState(id, engine, committed));
        }
    }

    /** The newest stored batches of a partition holding at least {@link #tailRecords} records (all when fewer). */
    private List<RecordBatch> readTail(TopicPartition tp, OffsetRange range) {
        List<RecordBatch> tail = new ArrayList<>();
        long from = Math.max(range.start(), range.end() - tailRecords);
        while (from < range.end()) {
            List<RecordBatch> batches = store.read(tp, from, RECOVERY_READ).collectList().block(RECOVERY_TIMEOUT);
            if (batches == null || batches.isEmpty()) {
                break;
            }
            for (RecordBatch b : batches) {
                if (b.baseOffset() < range.end()) {
                    tail.add(b);
                }
            }
            from = batches.get(batches.size() - 1).nextOffset();
        }
        return tail;
    }
}
