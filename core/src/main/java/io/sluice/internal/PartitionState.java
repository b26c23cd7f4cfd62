package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.ClosedException;
import io.sluice.errors.StoreException;
import io.sluice.errors.TopicFullException;
import io.sluice.log.RecordBatch;
import io.sluice.log.internal.MemoryLog;
import io.sluice.log.internal.Retention;
import io.sluice.record.TopicPartition;
import io.sluice.spi.SendTarget;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One partition in the engine: its memory log, the position of every group that reads it (for the
 * overflow policy), the appends waiting for room under {@code BACKPRESSURE}, and the members to wake
 * when records arrive. Appends are serialized by {@code this}; reads go to the log without a lock.
 *
 * <p>With a durable store each batch is handed to the store under the same lock, right after the memory
 * append, so the store receives a partition's batches in offset order: a store that commits them in arrival
 * order then never holds a batch without the ones before it, whatever crash cuts it off. Batches the memory
 * log evicts (retention, {@code DROP_OLDEST}) are deleted from the store too, a chunk at a time.
 *
 * <p>A batch counts as stored ({@code Acks.STORED}) only once it and every batch before it in the partition are
 * stored, so a store that loses one batch (a failed transaction) never leaves an acknowledged batch behind a gap.
 * When a store write fails, the partition refuses appends with {@link StoreException} until it has put every batch
 * it was given into the store: it waits for the writes in flight, then, for each batch that failed, asks the store
 * whether it landed after all (a commit whose answer was lost) and stores it again if not, retrying with backoff
 * while the store is down. Recovery removes what follows a gap that a crash left before that repair was done
 * ({@link io.sluice.log.LogStore#deleteFrom}): none of it was acknowledged.
 */
final class PartitionState implements SendTarget.Partition {
    private static final Logger LOG = Loggers.getLogger(PartitionState.class);

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

    private static final Runnable[] NO_LISTENERS = new Runnable[0];
    private static final GroupCursor[] NO_CURSORS = new GroupCursor[0];

    final TopicPartition tp;
    final TopicSpec spec;
    final MemoryLog log;
    private final Counter recordsIn;
    private final Counter bytesIn;
    private final Counter dropped;
    /** Null when the engine's store keeps nothing. */
    private final StoreLink store;
    /** The start offset last passed to {@link StoreLink#deleteBefore}; guarded by {@code this}. */
    private long storeStart;

    private volatile Runnable[] listeners = NO_LISTENERS;
    private volatile GroupCursor[] cursors = NO_CURSORS;
    /** Appends waiting for room (BACKPRESSURE), oldest first; guarded by {@code this}. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private volatile boolean hasWaiting;
    private volatile boolean closed;

    // ---- the store's side, all guarded by this ----
    private static final CompletableFuture<Void> STORED = CompletableFuture.completedFuture(null);
    /** Completes once every batch given to the store so far is stored; fails after the first that was not. */
    private CompletableFuture<Void> storedPrefix = STORED;
    /** Store writes not yet answered. */
    private int storesPending;
    /** Batches whose store write failed, by base offset, until the repair has stored them. */
    private final TreeMap<Long, RecordBatch> unstored = new TreeMap<>();
    /** The first store failure since the last repair; while set, appends are refused. */
    private Throwable storeFailure;
    private boolean repairing;

    /** Idempotent producers' last sequences, by producer id, least recently used first; guarded by this. */
    private final java.util.LinkedHashMap<Long, ProducerSequences> producers = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ProducerSequences> eldest) {
            return size() > MAX_PRODUCERS;
        }
    };
    /** Producer ids a partition remembers for deduplication (Kafka expires them by time; we bound the count). */
    static final int MAX_PRODUCERS = 1024;
    /** Batches per producer a partition remembers: a resend of an older one is refused as out of order. */
    static final int SEQUENCE_WINDOW = 16;

    private record Waiting(RecordBatch batch, boolean awaitStore, SendTarget.AppendCallback callback) {
    }

    /**
     * A batch appended to the memory log and its store write (null without a durable store); or a resent copy
     * of one ({@code duplicate}: nothing appended, acknowledged with the first copy's offsets); or a refusal.
     */
    private record Appended(long base, CompletableFuture<Void> stored, boolean duplicate, Throwable error) {
        static Appended refused(Throwable error) {
            return new Appended(-1, null, false, error);
        }
    }

    /** The last batches appended for one idempotent producer, and the base sequence its next batch must have. */
    private static final class ProducerSequences {
        final int[] sequences = new int[SEQUENCE_WINDOW];
        final Appended[] appended = new Appended[SEQUENCE_WINDOW];
        int size;
        int next;

        Appended find(int sequence) {
            for (int i = 0; i < size; i++) {
                if (sequences[i] == sequence) {
                    return appended[i];
                }
            }
            return null;
        }

        void record(int sequence, int count, Appended a) {
            int i = size < SEQUENCE_WINDOW ? size++ : oldest();
            sequences[i] = sequence;
            appended[i] = a;
            next = sequence + count;
        }

        private int oldest() {
            int o = 0;
            for (int i = 1; i < size; i++) {
                if (appended[i].base() < appended[o].base()) {
                    o = i;
                }
            }
            return o;
        }
    }

    /**
     * @param initialOffset the offset the log starts at: 0 for a new topic, the stored end (or the first stored
     *                      batch's base, before {@link #recover}) after a restart
     * @param store         where batches go beyond memory, or null
     */
    PartitionState(TopicPartition tp, TopicSpec spec, LongSupplier clock, Counter recordsIn, Counter bytesIn, Counter dropped,
                   long initialOffset, StoreLink store) {
        this.tp = tp;
        this.spec = spec;
        this.log = new MemoryLog(tp, new Retention(spec.retentionRecords(), spec.retentionBytes(),
                spec.retentionAge() == null ? Long.MAX_VALUE : spec.retentionAge().toMillis()), clock, initialOffset);
        this.recordsIn = recordsIn;
        this.bytesIn = bytesIn;
        this.dropped = dropped;
        this.store = store;
        this.storeStart = initialOffset;
    }

    /**
     * Puts a batch read back from the store into the memory log at start-up, where it must continue the log
     * exactly; it is not stored again. Returns false, taking nothing, when the batch does not start where the log
     * ends: the stored batches have a gap there.
     */
    synchronized boolean recover(RecordBatch batch) {
        if (batch.baseOffset() != log.endOffset()) {
            return false;
        }
        log.append(batch);
        rememberSequence(batch, new Appended(batch.baseOffset(), null, false, null));
        return true;
    }

    /** After {@link #recover}: the first offset the store still had. */
    synchronized void recoveredStart(long start) {
        log.advanceStart(start);
        storeStart = Math.max(storeStart, log.startOffset());
    }

    /**
     * Appends the batch now, or when there is room under {@code BACKPRESSURE}; fails it under {@code FAIL}
     * when it does not fit. The callback runs on the caller's thread or on the thread that made room.
     */
    @Override
    public TopicPartition tp() {
        return tp;
    }

    @Override
    public void append(RecordBatch batch, io.sluice.producer.Acks acks, SendTarget.AppendCallback callback) {
        append(batch, acks == io.sluice.producer.Acks.STORED && store != null, callback);
    }

    void append(RecordBatch batch, boolean awaitStore, SendTarget.AppendCallback callback) {
        Appended appended;
        synchronized (this) {
            if (closed) {
                appended = Appended.refused(new ClosedException("topic " + tp.topic() + " was deleted or its engine closed"));
            } else if (storeFailure != null) {
                appended = Appended.refused(new StoreException("partition " + tp + " is not taking appends: the store failed to keep"
                        + " a batch and the engine is storing it again (" + storeFailure + ")", storeFailure));
            } else if (spec.overflow() == OverflowPolicy.BACKPRESSURE && (!waiting.isEmpty() || !fits(batch.count()))) {
                waiting.add(new Waiting(batch, awaitStore, callback));
                hasWaiting = true;
                return;
            } else if (spec.overflow() == OverflowPolicy.FAIL && !fits(batch.count())) {
                appended = Appended.refused(new TopicFullException("partition " + tp + " holds " + backlog() + " records its slowest"
                        + " group has not consumed; a batch of " + batch.count() + " would exceed maxBacklog " + spec.maxBacklog()));
            } else {
                appended = appendLocked(batch);
            }
        }
        complete(appended, batch.count(), awaitStore, callback);
    }

    /** Tells the callback: at once, or once the store has the batch when {@code awaitStore}. */
    private void complete(Appended appended, int records, boolean awaitStore, SendTarget.AppendCallback callback) {
        if (appended.error() != null) {
            callback.failed(appended.error());
            return;
        }
        if (!appended.duplicate()) {
            afterAppend(records);
        }
        CompletableFuture<Void> stored = appended.stored();
        if (stored == null) {
            callback.appended(appended.base());
        } else if (awaitStore) {
            stored.whenComplete((v, e) -> {
                if (e == null) {
                    callback.appended(appended.base());
                } else {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    callback.failed(cause instanceof StoreException || cause instanceof ClosedException ? cause : new StoreException("the store did not keep the batch of "
                            + tp + " at offset " + appended.base() + " or one before it, so it is not acknowledged: " + cause, cause));
                }
            });
        } else {
            callback.appended(appended.base());
        }
    }

    private boolean fits(int records) {
        return backlog() + records <= spec.maxBacklog();
    }

    private Appended appendLocked(RecordBatch batch) {
        ProducerSequences sequences = batch.producerId() < 0 ? null : producers.get(batch.producerId());
        if (sequences != null) {
            Appended first = sequences.find(batch.baseSequence());
            if (first != null) {
                return new Appended(first.base(), first.stored(), true, null);
            }
            if (batch.baseSequence() != sequences.next) {
                return Appended.refused(new io.sluice.errors.OutOfOrderSequenceException("partition " + tp + " expected sequence "
                        + sequences.next + " from producer " + batch.producerId() + ", got " + batch.baseSequence()
                        + ": a batch before it failed or is older than the last " + SEQUENCE_WINDOW + " batches"));
            }
        }
        long slowest = slowestPosition();
        long startBefore = log.startOffset();
        long base = log.append(batch);
        CompletableFuture<Void> stored = store == null ? null : storeLocked(batch);
        if (spec.overflow() == OverflowPolicy.DROP_OLDEST) {
            log.advanceStart(log.endOffset() - spec.maxBacklog());
        }
        long startAfter = log.startOffset();
        if (slowest >= 0 && startAfter > Math.max(startBefore, slowest)) {
            dropped.increment(startAfter - Math.max(startBefore, slowest));
        }
        if (store != null && startAfter - storeStart >= Math.max(1, log.retainedRecords() / 8)) {
            // the store follows the memory log's evictions in chunks of an eighth of what is retained, not per batch
            storeStart = startAfter;
            store.deleteBefore(startAfter);
        }
        Appended appended = new Appended(base, stored, false, null);
        rememberSequence(batch, appended);
        return appended;
    }

    /** For an idempotent producer's batch (producer id not negative): remembers its sequence and offsets. */
    private void rememberSequence(RecordBatch batch, Appended appended) {
        long pid = batch.producerId();
        if (pid >= 0) {
            producers.computeIfAbsent(pid, p -> new ProducerSequences()).record(batch.baseSequence(), batch.count(), appended);
        }
    }

    /**
     * Hands the batch to the store (subscribing now, so the store sees batches in offset order) and returns what
     * completes once it and every batch before it are stored.
     */
    private CompletableFuture<Void> storeLocked(RecordBatch batch) {
        storesPending++;
        CompletableFuture<Void> written = store.store(batch).toFuture();
        CompletableFuture<Void> prefix = storedPrefix.thenCombine(written, (a, b) -> null);
        storedPrefix = prefix;
        written.whenComplete((v, e) -> storeAnswered(batch, e)); // may run now, on this thread (the lock is reentrant)
        return prefix;
    }

    /** A store write answered: on a failure, refuse appends; once nothing is in flight, repair what failed. */
    private void storeAnswered(RecordBatch batch, Throwable error) {
        List<RecordBatch> toRepair;
        synchronized (this) {
            storesPending--;
            if (error != null) {
                unstored.put(batch.baseOffset(), batch);
                if (storeFailure == null && !closed) {
                    storeFailure = error;
                    LOG.error("Storing the batch of {} at offset {} failed; refusing appends until the store has every batch", tp,
                            batch.baseOffset(), error);
                }
            }
            if (storeFailure == null || storesPending > 0 || repairing || closed) {
                return;
            }
            repairing = true;
            toRepair = new ArrayList<>(unstored.values());
        }
        store.repair(toRepair, () -> closed).subscribe(null, e -> LOG.warn("Gave up storing the failed batches of {}", tp, e),
                this::repaired);
    }

    private void repaired() {
        synchronized (this) {
            unstored.clear();
            storedPrefix = STORED;
            storeFailure = null;
            repairing = false;
        }
        LOG.info("The store has every batch of {} again; taking appends", tp);
        positionAdvanced(); // appends that waited for room meanwhile
    }

    private void afterAppend(int records) {
        recordsIn.increment(records);
        for (Runnable l : listeners) {
            l.run();
        }
    }

    /** Records the slowest group has not acknowledged (0 when no group reads this partition). */
    long backlog() {
        long slowest = slowestPosition();
        return slowest < 0 ? 0 : log.endOffset() - Math.max(slowest, log.startOffset());
    }

    /** The smallest acknowledged position over the groups, or -1 when there is none. */
    private long slowestPosition() {
        GroupCursor[] cs = cursors;
        if (cs.length == 0) {
            return -1;
        }
        long min = Long.MAX_VALUE;
        for (GroupCursor c : cs) {
            min = Math.min(min, c.position());
        }
        return min;
    }

    /** A group acknowledged records here: appends waiting for room may now fit. */
    void positionAdvanced() {
        if (!hasWaiting) {
            return;
        }
        List<Waiting> done = new ArrayList<>();
        List<Appended> appended = new ArrayList<>();
        synchronized (this) {
            while (!waiting.isEmpty() && !closed && storeFailure == null && fits(waiting.peek().batch().count())) {
                Waiting w = waiting.poll();
                appended.add(appendLocked(w.batch()));
                done.add(w);
            }
            hasWaiting = !waiting.isEmpty();
        }
        for (int i = 0; i < done.size(); i++) {
            Waiting w = done.get(i);
            complete(appended.get(i), w.batch().count(), w.awaitStore(), w.callback());
        }
    }

    /** Byte meter update for an appended batch: key and value bytes as the producer counted them. */
    @Override
    public void countBytesIn(long bytes) {
        bytesIn.increment(bytes);
    }

    GroupCursor cursor(String group, long initialPosition) {
        synchronized (this) {
            for (GroupCursor c : cursors) {
                if (c.group().equals(group)) {
                    return c;
                }
            }
            GroupCursor c = new GroupCursor(group, initialPosition);
            GroupCursor[] cs = Arrays.copyOf(cursors, cursors.length + 1);
            cs[cs.length - 1] = c;
            cursors = cs;
            return c;
        }
    }

    synchronized void addListener(Runnable listener) {
        Runnable[] ls = Arrays.copyOf(listeners, listeners.length + 1);
        ls[ls.length - 1] = listener;
        listeners = ls;
    }

    synchronized void removeListener(Runnable listener) {
        Runnable[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            if (ls[i] == listener) {
                Runnable[] n = new Runnable[ls.length - 1];
                System.arraycopy(ls, 0, n, 0, i);
                System.arraycopy(ls, i + 1, n, i, ls.length - i - 1);
                listeners = n;
                return;
            }
        }
    }

    /** Fails every waiting append and refuses new ones (topic deleted or engine closed). */
    void close() {
        List<Waiting> failed;
        synchronized (this) {
            closed = true;
            failed = new ArrayList<>(waiting);
            waiting.clear();
            hasWaiting = false;
        }
        ClosedException e = new ClosedException("topic " + tp.topic() + " was deleted or its engine closed");
        failed.forEach(w -> w.callback().failed(e));
    }

    /** A group's acknowledged position in this partition: the oldest record it still owes. */
    static final class GroupCursor {
        private final String group;
        private volatile long position;

        GroupCursor(String group, long position) {
            this.group = group;
            this.position = position;
        }

        String group() {
            return group;
        }

        long position() {
            return position;
        }

        /** Moves forward only; returns true when it moved. */
        boolean advance(long to) {
            for (;;) {
                long current = position;
                if (to <= current) {
                    return false;
                }
                if (POSITION.compareAndSet(this, current, to)) {
                    return true;
                }
            }
        }

        private static final java.util.concurrent.atomic.AtomicLongFieldUpdater<GroupCursor> POSITION =
                java.util.concurrent.atomic.AtomicLongFieldUpdater.newUpdater(GroupCursor.class, "position");
    }
}
