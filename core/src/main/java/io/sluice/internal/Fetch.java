package io.sluice.internal;

import io.sluice.errors.CorruptRecordException;
import io.sluice.log.RecordBatch;
import io.sluice.record.Record;
import io.sluice.spi.AckTracker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One partition owned by one member in one generation: where the member reads next, the batch it is
 * decoding, and what it has not acknowledged. Read state belongs to the member's delivery loop.
 *
 * <p>Below the memory log's start (after a restart, which loads only the newest batches) the fetch reads the
 * store: {@value #STORED_READ} batches per query, one query in flight, the next asked for when the loop takes the
 * last batch of the previous one. The loop never waits for it: it finds nothing to read in this partition until the
 * answer wakes it, so demand, prefetch and the order of offsets hold as for the memory log.
 *
 * <p>A partition handed over from another member is read once that member's commit is stored ({@link #open}).
 */
final class Fetch {
    private static final Logger log = Loggers.getLogger(Fetch.class);
    /** Batches per store query when reading below the memory log. */
    static final int STORED_READ = 32;
    /** The wait before asking the store again after a failed read. */
    private static final Duration STORED_RETRY = Duration.ofSeconds(1);

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
    /** Skip records older than this before the first one delivered (a timestamp start below the memory log). */
    private long seekTimestamp = Long.MIN_VALUE;

    /** Batches read from the store, oldest first; owned by the delivery loop. */
    private final ArrayDeque<RecordBatch> stored = new ArrayDeque<>();
    /** A store read's answer, set by the store's thread before {@link #reading} goes false. */
    private volatile List<RecordBatch> storedAnswer;
    private volatile boolean reading;
    private volatile CorruptRecordException storedCorrupt;

    Fetch(PartitionState partition, GroupCursor cursor, long startOffset, Runnable wakeUp, Member.TopicMeters meters, boolean readable) {
        this.partition = partition;
        this.meters = meters;
        this.cursor = cursor;
        this.next = startOffset;
        this.tracker = new AckTracker(startOffset);
        this.wakeUp = wakeUp;
        this.state = readable ? READING : WAITING;
    }

    /** Before the first read: records whose timestamp is before {@code timestamp} are skipped, not delivered. */
    void seekTimestamp(long timestamp) {
        seekTimestamp = timestamp;
    }

    /** The next record, or null when the member has read everything appended so far (or waits for the store). */
    Record nextRecord() {
        for (;;) {
            Iterator<Record> it = records;
            if (it != null && it.hasNext()) {
                Record r = it.next();
                next = r.offset() + 1;
                return r;
            }
            records = null;
            long start = partition.startOffset();
            if (next < start) {
                next = start; // dropped by DROP_OLDEST or evicted by retention
                tracker.skipTo(start);
            }
            RecordBatch batch;
            if (next < partition.log.startOffset()) {
                batch = storedBatch();
            } else {
                stored.clear();
                batch = partition.log.batchFor(next);
            }
            if (batch == null) {
                return null;
            }
            batch.verify(partition.tp.topic(), partition.tp.partition());
            if (seekTimestamp != Long.MIN_VALUE) {
                long found = batch.offsetForTimestamp(seekTimestamp, next, partition.tp.topic(), partition.tp.partition());
                long to = found < 0 ? batch.nextOffset() : found;
                if (found >= 0) {
                    seekTimestamp = Long.MIN_VALUE;
                }
                if (to > next) {
                    next = to;
                    tracker.skipTo(to);
                }
                if (found < 0) {
                    continue;
                }
            }
            records = batch.records(partition.tp.topic(), partition.tp.partition(), next);
            if (!records.hasNext()) {
                next = batch.nextOffset();
                tracker.skipTo(next);
            }
        }
    }

    /**
     * The stored batch holding {@code next}, or null while the store is asked for it. Taking the last batch of an
     * answer asks for the next ones, so that reading overlaps with delivering.
     */
    private RecordBatch storedBatch() {
        CorruptRecordException corrupt = storedCorrupt;
        if (corrupt != null) {
            throw corrupt;
        }
        boolean inFlight = reading; // read before the answer: an answer is published before reading goes false
        List<RecordBatch> answer = storedAnswer;
        if (answer != null) {
            storedAnswer = null;
            if (answer.isEmpty() && stored.isEmpty() && !inFlight) {
                // the store holds nothing from here below the memory log (retention deleted it meanwhile)
                long memoryStart = partition.log.startOffset();
                if (next < memoryStart) {
                    next = memoryStart;
                    tracker.skipTo(memoryStart);
                }
                return partition.log.batchFor(next);
            }
            stored.addAll(answer);
        }
        while (!stored.isEmpty() && stored.peek().nextOffset() <= next) {
            stored.poll();
        }
        RecordBatch b = stored.poll();
        if (b != null && b.baseOffset() > next) {
            next = b.baseOffset(); // deleted by retention while we read
            tracker.skipTo(next);
        }
        if (stored.isEmpty() && !inFlight && storedAnswer == null) {
            long from = b == null ? next : b.nextOffset();
            if (from < partition.log.startOffset()) {
                read(from);
            }
        }
        return b;
    }

    private void read(long from) {
        reading = true;
        partition.readStored(from, STORED_READ).collectList().subscribe(batches -> {
            storedAnswer = batches;
            reading = false;
            wakeUp.run();
        }, e -> {
            if (e instanceof CorruptRecordException c) {
                storedCorrupt = c;
                reading = false;
                wakeUp.run();
                return;
            }
            if (state == REVOKED) {
                reading = false;
                return;
            }
            log.warn("Reading the stored batches of {} from offset {} failed; trying again in {}: {}", partition.tp, from, STORED_RETRY,
                    e.toString());
            Mono.delay(STORED_RETRY).subscribe(x -> {
                reading = false;
                wakeUp.run();
            });
        });
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
