package io.sluice.internal;

import io.sluice.log.RecordBatch;
import io.sluice.record.Record;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One partition owned by one member in one generation: where the member reads next, the batch it is
 * decoding, and what it has not acknowledged. Read state belongs to the member's delivery loop. A partition
 * handed over from another member is read once that member's commit is stored ({@link #open}).
 */
final class Fetch {
    final PartitionState partition;
    final GroupCursor cursor;
    final AckTracker tracker;
    final Runnable wakeUp;
    final Member.TopicMeters meters;
    /** Read since the last meter update; owned by the delivery loop. */
    long readRecords;
    long readBytes;
    private long next;
    private Iterator<Record> records;
    /** {@link #WAITING} (for the previous owner's commit), {@link #READING} or {@link #REVOKED}. */
    private volatile int state;
    private static final int WAITING = 0;
    private static final int READING = 1;
    private static final int REVOKED = 2;

    Fetch(PartitionState partition, GroupCursor cursor, long startOffset, Runnable wakeUp, Member.TopicMeters meters, boolean readable) {
        this.partition = partition;
        this.meters = meters;
        this.cursor = cursor;
        this.next = startOffset;
        this.tracker = new AckTracker(startOffset);
        this.wakeUp = wakeUp;
        this.state = readable ? READING : WAITING;
    }

    /** The next record, or null when the member has read everything appended so far. */
    Record nextRecord() {
        for (;;) {
            Iterator<Record> it = records;
            if (it != null && it.hasNext()) {
                Record r = it.next();
                next = r.offset() + 1;
                return r;
            }
            records = null;
            long start = partition.log.startOffset();
            if (next < start) {
                next = start; // dropped by DROP_OLDEST or evicted by retention
                tracker.skipTo(start);
            }
            RecordBatch batch = partition.log.batchFor(next);
            if (batch == null) {
                return null;
            }
            batch.verify(partition.tp.topic(), partition.tp.partition());
            records = batch.records(partition.tp.topic(), partition.tp.partition(), next);
            if (!records.hasNext()) {
                next = batch.nextOffset();
                tracker.skipTo(next);
            }
        }
    }

    void revoke() {
        state = REVOKED;
    }

    boolean isRevoked() {
        return state == REVOKED;
    }

    /** Owned and not waiting for the previous owner's commit. */
    boolean isReadable() {
        return state == READING;
    }

    /** The previous owner's commit is done: reading may start. Returns false when it was revoked meanwhile. */
    boolean open() {
        return STATE.compareAndSet(this, WAITING, READING);
    }

    private static final AtomicIntegerFieldUpdater<Fetch> STATE = AtomicIntegerFieldUpdater.newUpdater(Fetch.class, "state");
}
