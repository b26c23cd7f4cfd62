package io.sluice.internal;

import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The durable side of one partition: its batches' writes to the store, in offset order, and their repair.
 *
 * <p>Each batch is handed to the store right after its memory append, under the partition's lock, so the store
 * receives a partition's batches in offset order: a store that commits them in arrival order then never holds a
 * batch without the ones before it, whatever crash cuts it off. Batches the memory log evicts (retention,
 * {@code DROP_OLDEST}) are deleted from the store too, a chunk at a time.
 *
 * <p>A batch counts as stored ({@code Acks.STORED}) only once it and every batch before it in the partition are
 * stored, so a store that loses one batch (a failed transaction) never leaves an acknowledged batch behind a gap.
 * When a store write fails, the partition refuses appends ({@link #failure()}) until it has put every batch it was
 * given into the store: it waits for the writes in flight, then, for each batch that failed, asks the store whether
 * it landed after all (a commit whose answer was lost) and stores it again if not, retrying with backoff while the
 * store is down. Recovery removes what follows a gap that a crash left before that repair was done
 * ({@link io.sluice.log.LogStore#deleteFrom}): none of it was acknowledged.
 *
 * <p>Guarded by the partition's monitor, as the appends are: {@link PartitionState} calls in holding it, and the
 * store's answers take it.
 */
final class DurableTail {
    private static final Logger LOG = Loggers.getLogger(DurableTail.class);

    /** Where a durable partition keeps its batches beyond the memory log; called under the partition's lock. */
    interface StoreLink {
        /** Stores one appended batch; the store must take batches in the order of these calls. */
        Mono<Void> store(RecordBatch batch);

        /** Deletes the stored batches that end before {@code offset}. */
        void deleteBefore(long offset);

        /**
         * Puts batches whose first store failed into the store, in offset order, each unless it landed after all;
         * retries while the store fails and completes once all are stored (or errors once {@code closed} says so).
         */
        Mono<Void> repair(List<RecordBatch> batches, BooleanSupplier closed);
    }

    private static final CompletableFuture<Void> STORED = CompletableFuture.completedFuture(null);

    /** The partition whose monitor guards this, and whose waiting appends a finished repair lets in. */
    private final PartitionState partition;
    private final TopicPartition tp;
    private final StoreLink store;
    /** The start offset last passed to {@link StoreLink#deleteBefore}. */
    private long storeStart;
    /** Completes once every batch given to the store so far is stored; fails after the first that was not. */
    private CompletableFuture<Void> storedPrefix = STORED;
    /** Store writes not yet answered. */
    private int storesPending;
    /** Batches whose store write failed, by base offset, until the repair has stored them. */
    private final TreeMap<Long, RecordBatch> unstored = new TreeMap<>();
    /** The first store failure since the last repair; while set, appends are refused. */
    private Throwable storeFailure;
    private boolean repairing;

    DurableTail(PartitionState partition, TopicPartition tp, StoreLink store, long initialOffset) {
        this.partition = partition;
        this.tp = tp;
        this.store = store;
        this.storeStart = initialOffset;
    }

    /** The store failure that makes the partition refuse appends until the repair is done, or null. */
    Throwable failure() {
        return storeFailure;
    }

    /** After recovery: the partition starts at {@code start} (the store's first offset, at or below the memory log's). */
    void recoveredStart(long start) {
        storeStart = start;
    }

    /**
     * Hands the batch to the store (subscribing now, so the store sees batches in offset order) and returns what
     * completes once it and every batch before it are stored.
     */
    CompletableFuture<Void> store(RecordBatch batch) {
        storesPending++;
        CompletableFuture<Void> written = store.store(batch).toFuture();
        CompletableFuture<Void> prefix = storedPrefix.thenCombine(written, (a, b) -> null);
        storedPrefix = prefix;
        written.whenComplete((v, e) -> storeAnswered(batch, e)); // may run now, on this thread (the lock is reentrant)
        return prefix;
    }

    /**
     * The memory log now starts at {@code logStart}: the store follows its evictions in chunks of an eighth of
     * {@code retainedRecords}, not per batch.
     */
    void logStartAdvanced(long logStart, long retainedRecords) {
        if (logStart - storeStart >= Math.max(1, retainedRecords / 8)) {
            storeStart = logStart;
            store.deleteBefore(logStart);
        }
    }

    /** A store write answered: on a failure, refuse appends; once nothing is in flight, repair what failed. */
    private void storeAnswered(RecordBatch batch, Throwable error) {
        List<RecordBatch> toRepair;
        synchronized (partition) {
            storesPending--;
            if (error != null) {
                unstored.put(batch.baseOffset(), batch);
                if (storeFailure == null && !partition.isClosed()) {
                    storeFailure = error;
                    LOG.error("Storing the batch of {} at offset {} failed; refusing appends until the store has every batch", tp,
                            batch.baseOffset(), error);
                }
            }
            if (storeFailure == null || storesPending > 0 || repairing || partition.isClosed()) {
                return;
            }
            repairing = true;
            toRepair = new ArrayList<>(unstored.values());
        }
        store.repair(toRepair, partition::isClosed).subscribe(null, e -> LOG.warn("Gave up storing the failed batches of {}", tp, e),
                this::repaired);
    }

    private void repaired() {
        synchronized (partition) {
            unstored.clear();
            storedPrefix = STORED;
            storeFailure = null;
            repairing = false;
        }
        LOG.info("The store has every batch of {} again; taking appends", tp);
        partition.positionAdvanced(); // appends that waited for room meanwhile
    }
}
