package io.sluice.internal;

import io.sluice.errors.StoreException;
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
 * A failed store write fails no send: the partition holds new appends ({@link #failure()}) until it has put every
 * batch it was given into the store: it waits for the writes in flight, then, for each batch that failed, asks the
 * store whether it landed after all (a commit whose answer was lost) and stores it again if not, retrying with
 * backoff while the store is down. Then the failed batches (and those after them) count as stored and their
 * {@code STORED} acknowledgements go out, once each: a store that blinks delays sends, and neither fails them nor
 * leaves a record stored whose send was told it failed. Only the partition's closing (the engine closing, the topic
 * deleted) ends the wait, with a {@link StoreException} that says the batch may be stored. Recovery removes what
 * follows a gap that a crash left before that repair was done ({@link io.sluice.log.LogStore#deleteFrom}): none of
 * it was acknowledged.
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

    /** A batch whose store write failed, and what completes once the repair has stored it. */
    private record Unstored(RecordBatch batch, CompletableFuture<Void> kept) {
    }

    /** The partition whose monitor guards this, and whose waiting appends a finished repair lets in. */
    private final PartitionState partition;
    private final TopicPartition tp;
    private final StoreLink store;
    /** The start offset last passed to {@link StoreLink#deleteBefore}. */
    private long storeStart;
    /** Completes once every batch given to the store so far is stored (by its write or by the repair). */
    private CompletableFuture<Void> storedPrefix = STORED;
    /** Store writes not yet answered. */
    private int storesPending;
    /** Batches whose store write failed, by base offset, until the repair has stored them. */
    private final TreeMap<Long, Unstored> unstored = new TreeMap<>();
    /** The first store failure since the last repair; while set, appends wait. */
    private Throwable storeFailure;
    private boolean repairing;

    DurableTail(PartitionState partition, TopicPartition tp, StoreLink store, long initialOffset) {
        this.partition = partition;
        this.tp = tp;
        this.store = store;
        this.storeStart = initialOffset;
    }

    /** The store failure that makes the partition hold appends until the repair is done, or null. */
    Throwable failure() {
        return storeFailure;
    }

    /** After recovery: the partition starts at {@code start} (the store's first offset, at or below the memory log's). */
    void recoveredStart(long start) {
        storeStart = start;
    }

    /**
     * Hands the batch to the store (subscribing now, so the store sees batches in offset order) and returns what
     * completes once it and every batch before it are stored: by this write, or by the repair when it fails. It
     * fails only when the partition closes before that, with a {@link StoreException} saying the batch may be stored.
     */
    CompletableFuture<Void> store(RecordBatch batch) {
        storesPending++;
        CompletableFuture<Void> kept = new CompletableFuture<>();
        CompletableFuture<Void> prefix = storedPrefix.thenCombine(kept, (a, b) -> null);
        storedPrefix = prefix;
        // may answer now, on this thread (the lock is reentrant)
        store.store(batch).subscribe(null, e -> storeAnswered(batch, kept, e), () -> storeAnswered(batch, kept, null));
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

    /**
     * A store write answered: a success completes the batch's {@code kept} (outside the lock: acknowledgements run
     * producers' code); a failure holds appends and keeps the batch for the repair, which starts once no write is
     * in flight.
     */
    private void storeAnswered(RecordBatch batch, CompletableFuture<Void> kept, Throwable error) {
        if (error == null) {
            boolean repairNow;
            synchronized (partition) {
                storesPending--;
                repairNow = repairDue();
            }
            kept.complete(null);
            if (repairNow) {
                startRepair();
            }
            return;
        }
        boolean closed;
        boolean repairNow = false;
        synchronized (partition) {
            storesPending--;
            closed = partition.isClosed();
            if (!closed) {
                unstored.put(batch.baseOffset(), new Unstored(batch, kept));
                if (storeFailure == null) {
                    storeFailure = error;
                    LOG.error("Storing the batch of {} at offset {} failed; holding appends until the store has every batch", tp,
                            batch.baseOffset(), error);
                }
                repairNow = repairDue();
            }
        }
        if (closed) {
            kept.completeExceptionally(closedBeforeStored(batch.baseOffset(), error));
        } else if (repairNow) {
            startRepair();
        }
    }

    /** Under the lock: a failure waits for its repair, no write is in flight, and no repair runs yet (marks it running). */
    private boolean repairDue() {
        if (storeFailure == null || storesPending > 0 || repairing || partition.isClosed()) {
            return false;
        }
        repairing = true;
        return true;
    }

    private void startRepair() {
        List<Unstored> toRepair;
        synchronized (partition) {
            toRepair = new ArrayList<>(unstored.values());
        }
        List<RecordBatch> batches = new ArrayList<>(toRepair.size());
        toRepair.forEach(u -> batches.add(u.batch()));
        store.repair(batches, partition::isClosed).subscribe(null, e -> gaveUp(toRepair, e), () -> repaired(toRepair));
    }

    private void repaired(List<Unstored> stored) {
        synchronized (partition) {
            unstored.clear();
            storedPrefix = STORED;
            storeFailure = null;
            repairing = false;
        }
        LOG.info("The store has every batch of {} again; taking appends", tp);
        stored.forEach(u -> u.kept().complete(null)); // their acknowledgements, and those of the batches after them
        partition.positionAdvanced(); // appends that waited meanwhile
    }

    /**
     * The partition closed (under its lock, then outside it for the failures): batches whose write failed and whose
     * repair has not started will not be stored by this engine; their sends fail, saying they may be stored. A repair
     * already running ends by itself (it stops retrying once the partition is closed).
     */
    void closed() {
        List<Unstored> failed;
        Throwable cause;
        synchronized (partition) {
            if (repairing || unstored.isEmpty()) {
                return;
            }
            failed = new ArrayList<>(unstored.values());
            unstored.clear();
            cause = storeFailure;
        }
        failed.forEach(u -> u.kept().completeExceptionally(closedBeforeStored(u.batch().baseOffset(), cause)));
    }

    /** The partition closed while the store was down: the batches' sends fail, saying the batches may be stored. */
    private void gaveUp(List<Unstored> failed, Throwable error) {
        LOG.warn("Gave up storing the failed batches of {}: the partition closed", tp, error);
        synchronized (partition) {
            unstored.clear();
            repairing = false;
        }
        failed.forEach(u -> u.kept().completeExceptionally(closedBeforeStored(u.batch().baseOffset(), error)));
    }

    private StoreException closedBeforeStored(long baseOffset, Throwable cause) {
        return new StoreException("the store had not confirmed the batch of " + tp + " at offset " + baseOffset
                + " when its partition closed (engine closed or topic deleted): it may be stored or not (" + cause + ")", cause);
    }
}
