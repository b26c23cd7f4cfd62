package io.sluice.internal;

import io.sluice.log.RecordBatch;
import io.sluice.record.Record;
import java.util.Iterator;

/**
 * One partition owned by one member in one generation: where the member reads next, the batch it is
 * decoding, and what it has not acknowledged. Read state belongs to the member's delivery loop.
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
    private volatile boolean revoked;

    Fetch(PartitionState partition, GroupCursor cursor, long startOffset, Runnable wakeUp, Member.TopicMeters meters) {
        this.partition = partition;
        this.meters = meters;
        this.cursor = cursor;
        this.next = startOffset;
        this.tracker = new AckTracker(startOffset);
        this.wakeUp = wakeUp;
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
        revoked = true;
    }

    boolean isRevoked() {
        return revoked;
    }
}
