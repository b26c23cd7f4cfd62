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
 * An engine's start-up from a durable store: brings back every topic, each partition's batches (streamed into
 * the memory log, which keeps what its retention allows) from the store's start to its end, and every group's
 * committed positions. Blocking on purpose: it runs once, on the thread that opens the engine, which waits for
 * it before anything else can reach the engine.
 */
final class Recovery {
    private static final Logger log = Loggers.getLogger(Recovery.class);

    /** How long start-up waits for each step of recovering from a durable store. */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(2);
    /** Batches read from the store per query at start-up. */
    private static final int RECOVERY_READ = 1024;

    private final Engine engine;
    private final LogStore store;
    private final OffsetStore offsetStore;

    Recovery(Engine engine) {
        this.engine = engine;
        this.store = engine.store;
        this.offsetStore = engine.offsetStore;
    }

    /** Registers the recovered topics and groups with the engine; throws when the store contradicts itself. */
    void run() {
        List<TopicSpec> specs = store.topics().collectList().block(RECOVERY_TIMEOUT);
        for (TopicSpec spec : specs == null ? List.<TopicSpec>of() : specs) {
            OffsetRange[] ranges = new OffsetRange[spec.partitions()];
            long[] initial = new long[spec.partitions()];
            List<List<RecordBatch>> firsts = new ArrayList<>();
            for (int i = 0; i < ranges.length; i++) {
                TopicPartition tp = new TopicPartition(spec.name(), i);
                ranges[i] = store.offsets(tp).block(RECOVERY_TIMEOUT);
                List<RecordBatch> first = ranges[i].size() == 0 ? List.of()
                        : store.read(tp, ranges[i].start(), RECOVERY_READ).collectList().block(RECOVERY_TIMEOUT);
                firsts.add(first);
                initial[i] = first.isEmpty() ? ranges[i].end() : first.get(0).baseOffset();
            }
            TopicState topic = engine.newTopic(spec, initial);
            for (int i = 0; i < ranges.length; i++) {
                PartitionState p = topic.partition(i);
                List<RecordBatch> batches = firsts.get(i);
                boolean gap = false;
                while (!batches.isEmpty() && !gap) {
                    for (RecordBatch b : batches) {
                        if (!p.recover(b)) {
                            gap = true;
                            break;
                        }
                    }
                    if (gap || p.log.endOffset() >= ranges[i].end()) {
                        break;
                    }
                    batches = store.read(p.tp, p.log.endOffset(), RECOVERY_READ).collectList().block(RECOVERY_TIMEOUT);
                }
                if (gap) {
                    // A store write failed and the process stopped before storing it again: what follows was never
                    // acknowledged (a batch counts as stored only with every batch before it), and new batches take
                    // its offsets.
                    log.warn("The store's log of {} has a gap at offset {}; removing the {} unacknowledged records after it", p.tp,
                            p.log.endOffset(), ranges[i].end() - p.log.endOffset());
                    store.deleteFrom(p.tp, p.log.endOffset()).block(RECOVERY_TIMEOUT);
                    ranges[i] = new OffsetRange(ranges[i].start(), p.log.endOffset());
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
}
