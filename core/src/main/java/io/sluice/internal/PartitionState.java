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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * One partition in the engine: its memory log, the position of every group that reads it ({@link GroupCursor},
 * for the overflow policy), the appends waiting for room under {@code BACKPRESSURE}, and the members to wake
 * when records arrive. Appends are serialized by {@code this}; reads go to the log without a lock.
 *
 * <p>Under the same lock an append consults the idempotent producers' sequences ({@link ProducerSequences}) and,
 * with a durable store, hands the batch to the store right after the memory append ({@link DurableTail}, which
 * also keeps the store's failures: while one is being repaired, appends wait in the same queue as under
 * {@code BACKPRESSURE}, whatever the overflow policy, and go in once the store has every batch again; a producer's
 * {@code maxInFlight} bounds what each send adds to that queue). This class coordinates them; they hold no lock of
 * their own.
 */
final class PartitionState implements SendTarget.Partition {
    private static final Runnable[] NO_LISTENERS = new Runnable[0];
    private static final GroupCursor[] NO_CURSORS = new GroupCursor[0];

    final TopicPartition tp;
    final TopicSpec spec;
    final MemoryLog log;
    private final Counter recordsIn;
    private final Counter bytesIn;
    private final Counter dropped;
    private final LongSupplier clock;
    /** Null when the engine's store keeps nothing; guarded by {@code this}. */
    private final DurableTail tail;
    /** How this partition reaches the durable store (reads of older batches), or null. */
    private final LogStoreLink store;
    /**
     * The partition's first offset. Below the memory log's start after a restart, which loads only the newest
     * batches: the records in between are in the store only ({@link #readStored}). Written under {@code this}.
     */
    private volatile long coldStart;
    /** When the retention age of the records held in the store only is checked next (clock millis); guarded by {@code this}. */
    private long nextColdAgeCheck;
    /** Guarded by {@code this}. */
    private final ProducerSequences sequences;

    private volatile Runnable[] listeners = NO_LISTENERS;
    private volatile GroupCursor[] cursors = NO_CURSORS;
    /** Appends waiting for room (BACKPRESSURE) or for the store's repair, oldest first; guarded by {@code this}. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private volatile boolean hasWaiting;
    private volatile boolean closed;

    private record Waiting(RecordBatch batch, boolean awaitStore, SendTarget.AppendCallback callback) {
    }

    /**
     * A batch appended to the memory log and its store write (null without a durable store); or a resent copy
     * of one ({@code duplicate}: nothing appended, acknowledged with the first copy's offsets); or a refusal.
     */
    record Appended(long base, CompletableFuture<Void> stored, boolean duplicate, Throwable error) {
        static Appended refused(Throwable error) {
            return new Appended(-1, null, false, error);
        }
    }

    /**
     * @param initialOffset the offset the memory log starts at: 0 for a new topic, the stored end (or the first
     *                      recovered batch's base, before {@link #recover}) after a restart
     * @param store         where batches go beyond memory, or null
     */
    PartitionState(TopicPartition tp, TopicSpec spec, LongSupplier clock, Counter recordsIn, Counter bytesIn, Counter dropped,
                   long initialOffset, LogStoreLink store) {
        this.tp = tp;
        this.spec = spec;
        this.log = new MemoryLog(tp, new Retention(spec.retentionRecords(), spec.retentionBytes(),
                spec.retentionAge() == null ? Long.MAX_VALUE : spec.retentionAge().toMillis()), clock, initialOffset);
        this.recordsIn = recordsIn;
        this.bytesIn = bytesIn;
        this.dropped = dropped;
        this.clock = clock;
        this.sequences = new ProducerSequences(tp);
        this.store = store;
        this.coldStart = initialOffset;
        this.tail = store == null ? null : new DurableTail(this, tp, store, initialOffset);
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
        sequences.remember(batch, new Appended(batch.baseOffset(), null, false, null));
        return true;
    }

    /**
     * After {@link #recover}: the first offset the store still had. When it lies below the memory log's start (the
     * restart loaded only the newest batches), the records in between are read from the store when a consumer asks.
     */
    synchronized void recoveredStart(long start) {
        if (start >= log.startOffset()) {
            log.advanceStart(start);
        }
        // records the memory log's retention evicted while recovering are beyond the partition's retention
        coldStart = log.evictedRecords() > 0 ? log.startOffset() : Math.min(start, log.startOffset());
        if (coldStart < log.startOffset()) {
            applyColdRetention(false);
        }
        if (tail != null) {
            tail.recoveredStart(coldStart);
        }
    }

    /** The partition's first offset: the memory log's start, or below it while older records are in the store only. */
    long startOffset() {
        return Math.min(coldStart, log.startOffset());
    }

    /**
     * Stored batches from {@code fromOffset} (the batch holding it first), at most {@code maxBatches}: for a consumer
     * whose position lies below the memory log's start. Empty without a durable store.
     */
    Flux<RecordBatch> readStored(long fromOffset, int maxBatches) {
        return store == null ? Flux.empty() : store.read(fromOffset, maxBatches);
    }

    @Override
    public TopicPartition tp() {
        return tp;
    }

    /**
     * Appends the batch now, or when there is room under {@code BACKPRESSURE}; fails it under {@code FAIL}
     * when it does not fit. The callback runs on the caller's thread or on the thread that made room.
     */
    @Override
    public void append(RecordBatch batch, io.sluice.producer.Acks acks, SendTarget.AppendCallback callback) {
        append(batch, acks == io.sluice.producer.Acks.STORED && tail != null, callback);
    }

    void append(RecordBatch batch, boolean awaitStore, SendTarget.AppendCallback callback) {
        Appended appended;
        synchronized (this) {
            if (closed) {
                appended = Appended.refused(new ClosedException("topic " + tp.topic() + " was deleted or its engine closed"));
            } else if (!waiting.isEmpty() || storeFailure() != null
                    || spec.overflow() == OverflowPolicy.BACKPRESSURE && !fits(batch.count())) {
                waiting.add(new Waiting(batch, awaitStore, callback));
                hasWaiting = true;
                return;
            } else {
                appended = admit(batch);
            }
        }
        complete(appended, batch.count(), awaitStore, callback);
    }

    /**
     * Tells the callback: at once, or once the store has the batch and every one before it when {@code awaitStore}
     * (a failed store write delays that until the repair has stored it; see {@link DurableTail}).
     */
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
                    // only the partition's closing fails a store wait (DurableTail): the batch may be stored
                    callback.failed(cause instanceof StoreException ? cause : new StoreException("the store had not confirmed the batch of "
                            + tp + " at offset " + appended.base() + " or one before it: it may be stored or not (" + cause + ")", cause));
                }
            });
        } else {
            callback.appended(appended.base());
        }
    }

    /** Under the lock, with nothing waiting before it: the batch appended, or refused when {@code FAIL} finds no room. */
    private Appended admit(RecordBatch batch) {
        if (spec.overflow() == OverflowPolicy.FAIL && !fits(batch.count())) {
            return Appended.refused(new TopicFullException("partition " + tp + " holds " + backlog() + " records its slowest"
                    + " group has not consumed; a batch of " + batch.count() + " would exceed maxBacklog " + spec.maxBacklog()));
        }
        return appendLocked(batch);
    }

    private boolean fits(int records) {
        return backlog() + records <= spec.maxBacklog();
    }

    private Appended appendLocked(RecordBatch batch) {
        Appended notNew = sequences.check(batch);
        if (notNew != null) {
            return notNew;
        }
        long slowest = slowestPosition();
        long startBefore = startOffset();
        long memoryStartBefore = log.startOffset();
        long base = log.append(batch);
        CompletableFuture<Void> stored = tail == null ? null : tail.store(batch);
        if (spec.overflow() == OverflowPolicy.DROP_OLDEST) {
            log.advanceStart(log.endOffset() - spec.maxBacklog());
            coldStart = Math.max(coldStart, log.endOffset() - spec.maxBacklog());
        }
        if (coldStart < log.startOffset()) {
            applyColdRetention(log.startOffset() > memoryStartBefore);
        }
        long startAfter = startOffset();
        if (slowest >= 0 && startAfter > Math.max(startBefore, slowest)) {
            dropped.increment(startAfter - Math.max(startBefore, slowest));
        }
        if (tail != null) {
            tail.logStartAdvanced(startAfter, log.endOffset() - startAfter);
        }
        Appended appended = new Appended(base, stored, false, null);
        sequences.remember(batch, appended);
        return appended;
    }

    /**
     * Retention over the records held in the store only (below the memory log's start after a restart), which the
     * memory log's own retention does not see. By records: exactly. By bytes: estimated at the memory log's bytes per
     * record. By age: the store finds the first batch young enough, at most once a second. Once the memory log evicts
     * by itself, its retention holds for the whole partition, and nothing older remains.
     */
    private void applyColdRetention(boolean memoryEvicted) {
        long memoryStart = log.startOffset();
        if (memoryEvicted) {
            coldStart = memoryStart;
            return;
        }
        long end = log.endOffset();
        long target = Math.max(coldStart, end - spec.retentionRecords());
        long memoryRecords = end - memoryStart;
        if (spec.retentionBytes() != TopicSpec.UNLIMITED && memoryRecords > 0) {
            double perRecord = Math.max(1.0, (double) log.retainedBytes() / memoryRecords);
            double excess = log.retainedBytes() + (memoryStart - target) * perRecord - spec.retentionBytes();
            if (excess > 0) {
                target += (long) Math.ceil(excess / perRecord);
            }
        }
        coldStart = Math.min(target, memoryStart);
        if (spec.retentionAge() != null && coldStart < memoryStart && store != null) {
            long now = clock.getAsLong();
            if (now >= nextColdAgeCheck) {
                nextColdAgeCheck = now + 1000;
                // answered on another thread: coldAged takes this lock and lets waiting appends in
                store.offsetForTimestamp(now - spec.retentionAge().toMillis()).publishOn(Schedulers.parallel())
                        .subscribe(this::coldAged, e -> { }); // the next check tries again
            }
        }
    }

    /** The store's answer to the age check: records before {@code offset} are older than the retention age. */
    private void coldAged(long offset) {
        synchronized (this) {
            long target = Math.min(offset, log.startOffset());
            if (target <= coldStart) {
                return;
            }
            coldStart = target;
            if (tail != null) {
                tail.logStartAdvanced(coldStart, log.endOffset() - coldStart);
            }
        }
        positionAdvanced();
    }

    /** The store failure being repaired, while appends wait; null when none (or no durable store). */
    private Throwable storeFailure() {
        return tail == null ? null : tail.failure();
    }

    /** Read by the durable tail under this object's monitor, and by its repair's retries. */
    boolean isClosed() {
        return closed;
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
        return slowest < 0 ? 0 : log.endOffset() - Math.max(slowest, startOffset());
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

    /**
     * A group acknowledged records here, or the store has every batch again: appends waiting for room (or for the
     * store's repair) go in, in order, as far as they fit.
     */
    void positionAdvanced() {
        if (!hasWaiting) {
            return;
        }
        List<Waiting> done = new ArrayList<>();
        List<Appended> appended = new ArrayList<>();
        synchronized (this) {
            while (!waiting.isEmpty() && !closed && storeFailure() == null
                    && (spec.overflow() != OverflowPolicy.BACKPRESSURE || fits(waiting.peek().batch().count()))) {
                Waiting w = waiting.poll();
                appended.add(admit(w.batch()));
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
        if (tail != null) {
            tail.closed();
        }
        ClosedException e = new ClosedException("topic " + tp.topic() + " was deleted or its engine closed");
        failed.forEach(w -> w.callback().failed(e));
    }
}
