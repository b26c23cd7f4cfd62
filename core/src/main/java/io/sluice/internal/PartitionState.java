package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.ClosedException;
import io.sluice.errors.TopicFullException;
import io.sluice.log.MemoryLog;
import io.sluice.log.RecordBatch;
import io.sluice.log.Retention;
import io.sluice.record.TopicPartition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One partition in the engine: its memory log, the position of every group that reads it (for the
 * overflow policy), the appends waiting for room under {@code BACKPRESSURE}, and the members to wake
 * when records arrive. Appends are serialized by {@code this}; reads go to the log without a lock.
 */
final class PartitionState {
    /** Told when a batch is appended or has failed. Called outside the partition's lock. */
    interface AppendCallback {
        void appended(long baseOffset);

        void failed(Throwable error);
    }

    private static final Runnable[] NO_LISTENERS = new Runnable[0];
    private static final GroupCursor[] NO_CURSORS = new GroupCursor[0];

    final TopicPartition tp;
    final TopicSpec spec;
    final MemoryLog log;
    private final Counter recordsIn;
    private final Counter bytesIn;
    private final Counter dropped;

    private volatile Runnable[] listeners = NO_LISTENERS;
    private volatile GroupCursor[] cursors = NO_CURSORS;
    /** Appends waiting for room (BACKPRESSURE), oldest first; guarded by {@code this}. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private volatile boolean hasWaiting;
    private volatile boolean closed;

    private record Waiting(RecordBatch batch, AppendCallback callback) {
    }

    PartitionState(TopicPartition tp, TopicSpec spec, LongSupplier clock, Counter recordsIn, Counter bytesIn, Counter dropped) {
        this.tp = tp;
        this.spec = spec;
        this.log = new MemoryLog(tp, new Retention(spec.retentionRecords(), spec.retentionBytes(),
                spec.retentionAge() == null ? Long.MAX_VALUE : spec.retentionAge().toMillis()), clock);
        this.recordsIn = recordsIn;
        this.bytesIn = bytesIn;
        this.dropped = dropped;
    }

    /**
     * Appends the batch now, or when there is room under {@code BACKPRESSURE}; fails it under {@code FAIL}
     * when it does not fit. The callback runs on the caller's thread or on the thread that made room.
     */
    void append(RecordBatch batch, AppendCallback callback) {
        long base;
        synchronized (this) {
            if (closed) {
                base = -1;
            } else if (spec.overflow() == OverflowPolicy.BACKPRESSURE && (!waiting.isEmpty() || !fits(batch.count()))) {
                waiting.add(new Waiting(batch, callback));
                hasWaiting = true;
                return;
            } else if (spec.overflow() == OverflowPolicy.FAIL && !fits(batch.count())) {
                base = -2;
            } else {
                base = appendLocked(batch);
            }
        }
        if (base == -1) {
            callback.failed(new ClosedException("topic " + tp.topic() + " was deleted or its engine closed"));
        } else if (base == -2) {
            callback.failed(new TopicFullException("partition " + tp + " holds " + backlog() + " records its slowest group has not consumed;"
                    + " a batch of " + batch.count() + " would exceed maxBacklog " + spec.maxBacklog()));
        } else {
            afterAppend(batch.count());
            callback.appended(base);
        }
    }

    private boolean fits(int records) {
        return backlog() + records <= spec.maxBacklog();
    }

    private long appendLocked(RecordBatch batch) {
        long slowest = slowestPosition();
        long startBefore = log.startOffset();
        long base = log.append(batch);
        if (spec.overflow() == OverflowPolicy.DROP_OLDEST) {
            log.advanceStart(log.endOffset() - spec.maxBacklog());
        }
        long startAfter = log.startOffset();
        if (slowest >= 0 && startAfter > Math.max(startBefore, slowest)) {
            dropped.increment(startAfter - Math.max(startBefore, slowest));
        }
        return base;
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
        List<Long> offsets = new ArrayList<>();
        synchronized (this) {
            while (!waiting.isEmpty() && !closed && fits(waiting.peek().batch().count())) {
                Waiting w = waiting.poll();
                offsets.add(appendLocked(w.batch()));
                done.add(w);
            }
            hasWaiting = !waiting.isEmpty();
        }
        for (int i = 0; i < done.size(); i++) {
            afterAppend(done.get(i).batch().count());
            done.get(i).callback().appended(offsets.get(i));
        }
    }

    /** Byte meter update for an appended batch: key and value bytes as the producer counted them. */
    void countBytesIn(long bytes) {
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
