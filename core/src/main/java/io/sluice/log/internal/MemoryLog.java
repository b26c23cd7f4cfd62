package io.sluice.log.internal;

import io.sluice.check.Check;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * One partition's log in memory: batches numbered densely by {@link #append}, looked up by offset or
 * timestamp, and evicted oldest-first by {@link Retention} or {@link #advanceStart}.
 *
 * <p>One writer at a time (appends and evictions are synchronized), any number of readers that never lock.
 * Batches live in segments of up to 1024 slots held in a copy-on-write array, so an append copies no slots, only
 * the occasional segment list, and a lookup is two binary searches over plain {@code long} arrays. Writes are
 * published through volatile fields: a reader that sees {@link #endOffset()} {@code E} finds every batch below
 * {@code E}. Evicted slots are nulled so their batches can be collected; a reader that meets one retries
 * against the new start.
 *
 * <p>The bytes of the batches it keeps are copied into chunks of its own ({@link RecordBatch#copyTo}), growing from
 * 64 KiB to just under 4 MiB as the partition fills them, and at most half the bytes retained: a collector that moves
 * young objects then moves one large array (G1 allocates arrays of half a region or more in the old generation and
 * never moves them) where it moved every batch appended since its last collection. A node at 100,000 records/s spent
 * a few milliseconds of every young collection copying the records its log had just taken (benchmarks/RESULTS.md).
 * A chunk is collected when none of its batches is retained or read any more. Batches larger than a quarter of the
 * largest chunk are kept as they came.
 */
public final class MemoryLog {
    static final int DEFAULT_SEGMENT_CAPACITY = 1024;
    /** Chunk sizes: powers of two less room for the array header, so that G1 fits a chunk in whole regions. */
    static final int MIN_CHUNK = (64 << 10) - 64;
    static final int MAX_CHUNK = (4 << 20) - 64;

    /** Slots are nulled with release semantics after the new start is published, and read with acquire. */
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(RecordBatch[].class);
    /** {@link #scanForTimestamp} result: a batch was evicted under the reader; look again. */
    private static final long RETRY = Long.MIN_VALUE;
    private static final Segment[] NO_SEGMENTS = new Segment[0];

    private final TopicPartition partition;
    private final Retention retention;
    private final LongSupplier clockMillis;
    private final int segmentCapacity;

    /** Oldest first; every segment but the last is full; only the first has evicted slots. */
    private volatile Segment[] segments = NO_SEGMENTS;
    private volatile long startOffset;
    private volatile long endOffset;
    private volatile long retainedBytes;
    private volatile int batchCount;
    private volatile long evictedRecords;
    /** Writer only: the largest max timestamp of any batch ever appended. */
    private long maxTimestampSoFar = Long.MIN_VALUE;
    /** Writer only: the chunk batches are copied into, and how much of it is used. */
    private byte[] chunk;
    private int chunkUsed;

    /** An empty log whose first batch gets offset 0. {@code clockMillis} is the clock retention by age uses. */
    public MemoryLog(TopicPartition partition, Retention retention, LongSupplier clockMillis) {
        this(partition, retention, clockMillis, 0L);
    }

    /**
     * An empty log whose first batch gets offset {@code initialOffset}: for a partition recovered from a store,
     * whose older records are gone.
     */
    public MemoryLog(TopicPartition partition, Retention retention, LongSupplier clockMillis, long initialOffset) {
        this(partition, retention, clockMillis, initialOffset, DEFAULT_SEGMENT_CAPACITY);
    }

    MemoryLog(TopicPartition partition, Retention retention, LongSupplier clockMillis, long initialOffset, int segmentCapacity) {
        this.partition = Check.notNull("partition", partition);
        this.retention = Check.notNull("retention", retention);
        this.clockMillis = Check.notNull("clockMillis", clockMillis);
        this.startOffset = Check.notNegative("initialOffset", initialOffset);
        this.endOffset = initialOffset;
        this.segmentCapacity = Check.positive("segmentCapacity", segmentCapacity);
    }

    public TopicPartition partition() {
        return partition;
    }

    public Retention retention() {
        return retention;
    }

    /**
     * Appends a batch: numbers it from {@link #endOffset()} (rewriting its base offset in place), publishes it
     * to readers, then applies retention.
     *
     * @return the batch's base offset
     */
    public synchronized long append(RecordBatch batch) {
        Check.notNull("batch", batch);
        long base = endOffset;
        batch.assignBaseOffset(base); // the caller's batch too: a store writes it with this offset
        batch = keep(batch);
        maxTimestampSoFar = Math.max(maxTimestampSoFar, batch.maxTimestamp());
        Segment[] segs = segments;
        Segment tail = segs.length == 0 ? null : segs[segs.length - 1];
        if (tail == null || tail.size == segmentCapacity) {
            Segment fresh = new Segment(segmentCapacity);
            fresh.set(0, batch, base, maxTimestampSoFar);
            fresh.size = 1;
            Segment[] grown = Arrays.copyOf(segs, segs.length + 1);
            grown[segs.length] = fresh;
            segments = grown;
        } else {
            int i = tail.size;
            tail.set(i, batch, base, maxTimestampSoFar);
            tail.size = i + 1;
        }
        retainedBytes += batch.sizeInBytes();
        batchCount++;
        endOffset = base + batch.count(); // publishes the batch
        applyRetention();
        return base;
    }

    /** The batch as this log keeps it: copied into the current chunk, or as it came when it is large. */
    private RecordBatch keep(RecordBatch batch) {
        int n = batch.sizeInBytes();
        if (n > MAX_CHUNK / 4) {
            return batch;
        }
        if (chunk == null || chunk.length - chunkUsed < n) {
            chunk = new byte[Math.max(nextChunkSize(), n)];
            chunkUsed = 0;
        }
        RecordBatch kept = batch.copyTo(chunk, chunkUsed);
        chunkUsed += n;
        return kept;
    }

    /** Twice the last chunk, within {@link #MIN_CHUNK}..{@link #MAX_CHUNK} and at most half the bytes retained. */
    private int nextChunkSize() {
        long doubled = chunk == null ? MIN_CHUNK : 2L * (chunk.length + 64) - 64;
        long bound = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, retainedBytes / 2));
        return (int) Math.min(doubled, bound);
    }

    /** The first readable offset; may lie inside the first retained batch after {@link #advanceStart}. */
    public long startOffset() {
        return startOffset;
    }

    /** The offset the next appended record gets. */
    public long endOffset() {
        return endOffset;
    }

    /** Encoded bytes of the retained batches (whole batches, even when the start lies inside the first). */
    public long retainedBytes() {
        return retainedBytes;
    }

    /** {@code endOffset() - startOffset()}. */
    public long retainedRecords() {
        return endOffset - startOffset;
    }

    /** Number of retained batches. */
    public int batchCount() {
        return batchCount;
    }

    /** Records removed so far by retention and {@link #advanceStart}; records below an earlier start count once. */
    public long evictedRecords() {
        return evictedRecords;
    }

    /**
     * The batch holding {@code offset}; the first retained batch when {@code offset} is below the start (it was
     * evicted); null when {@code offset >= endOffset()} or nothing is retained. Lock-free.
     */
    public RecordBatch batchFor(long offset) {
        for (;;) {
            long end = endOffset; // read first: every batch below it is published
            if (offset >= end) {
                return null;
            }
            Segment[] segs = segments;
            RecordBatch found = offset < startOffset ? firstRetained(segs) : lookup(segs, offset);
            if (found != null) {
                return found;
            }
            if (startOffset == endOffset) {
                return null; // empty
            }
            // a batch was evicted while we looked: look again against the new start
        }
    }

    /**
     * The first offset at or after the start whose record timestamp is at least {@code timestamp};
     * {@link #endOffset()} when there is none. Lock-free.
     */
    public long offsetForTimestamp(long timestamp) {
        for (;;) {
            long start = startOffset; // read before the end, so start <= end
            long end = endOffset;
            long found = scanForTimestamp(segments, timestamp, start, end);
            if (found != RETRY) {
                return found;
            }
        }
    }

    /**
     * Moves the start forward to {@code offset} (never backwards, never past the end), evicting the batches
     * that end before it. A start inside a batch keeps that batch; its earlier records are no longer read.
     */
    public synchronized void advanceStart(long offset) {
        long target = Math.min(offset, endOffset);
        if (target <= startOffset) {
            return;
        }
        while (batchCount > 0) {
            Segment first = segments[0];
            RecordBatch oldest = first.batches[first.first];
            if (oldest.nextOffset() > target) {
                break;
            }
            removeOldest(target);
        }
        moveStart(target);
    }

    /**
     * Evicts the oldest whole batches that {@link Retention} no longer covers: while the log without its oldest
     * batch still holds the record limit, while it holds more bytes than the byte limit (always keeping one
     * batch), and while the oldest batch's newest record is older than the age limit.
     */
    public synchronized void applyRetention() {
        long ageCutoff = retention.ageMillis() == Long.MAX_VALUE ? Long.MIN_VALUE : saturatingSubtract(clockMillis.getAsLong(), retention.ageMillis());
        while (batchCount > 0) {
            Segment first = segments[0];
            RecordBatch oldest = first.batches[first.first];
            long oldestInRange = oldest.nextOffset() - startOffset;
            boolean evict = endOffset - startOffset - oldestInRange >= retention.records()
                    || retainedBytes > retention.bytes() && batchCount > 1
                    || oldest.maxTimestamp() < ageCutoff;
            if (!evict) {
                break;
            }
            removeOldest(oldest.nextOffset());
        }
    }

    /**
     * Removes the first retained batch and moves the start forward to {@code newStart}, at least the removed
     * batch's next offset. Order matters to readers: the slot is nulled (with release) after the new start is
     * published, so a reader that finds it null (with acquire) sees the new start.
     */
    private void removeOldest(long newStart) {
        Segment seg = segments[0];
        int i = seg.first;
        RecordBatch oldest = seg.batches[i];
        retainedBytes -= oldest.sizeInBytes();
        batchCount--;
        seg.first = i + 1;
        if (seg.first == seg.size && seg.size == segmentCapacity) {
            Segment[] segs = segments;
            segments = segs.length == 1 ? NO_SEGMENTS : Arrays.copyOfRange(segs, 1, segs.length);
        }
        moveStart(newStart);
        SLOT.setRelease(seg.batches, i, (RecordBatch) null);
    }

    private void moveStart(long newStart) {
        long old = startOffset;
        if (newStart > old) {
            evictedRecords += newStart - old;
            startOffset = newStart;
        }
    }

    private static RecordBatch firstRetained(Segment[] segs) {
        for (Segment seg : segs) {
            int first = seg.first;
            if (first < seg.size) {
                return seg.slot(first);
            }
        }
        return null;
    }

    /** The batch holding {@code offset}, the first retained one when it was evicted, or null after a race. */
    private static RecordBatch lookup(Segment[] segs, long offset) {
        if (segs.length == 0) {
            return null;
        }
        // the last segment whose first base is <= offset
        int lo = 0;
        int hi = segs.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segs[mid].bases[0] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Segment seg = segs[lo];
        int first = seg.first;
        int size = seg.size;
        if (first >= size) {
            return null;
        }
        // the last slot in [first, size) whose base is <= offset; first when offset lies before it (evicted)
        int l = first;
        int h = size - 1;
        while (l < h) {
            int mid = (l + h + 1) >>> 1;
            if (seg.bases[mid] <= offset) {
                l = mid;
            } else {
                h = mid - 1;
            }
        }
        return seg.slot(l);
    }

    private long scanForTimestamp(Segment[] segs, long timestamp, long start, long end) {
        // Cumulative max timestamps never decrease, so the first slot where they reach the target is the first
        // batch (retained or not) whose own max reaches it. From there on, scan.
        int s = 0;
        int hi = segs.length;
        while (s < hi) {
            int mid = (s + hi) >>> 1;
            Segment seg = segs[mid];
            if (seg.cumulativeMaxTimestamps[seg.size - 1] >= timestamp) {
                hi = mid;
            } else {
                s = mid + 1;
            }
        }
        if (s == segs.length) {
            return end;
        }
        Segment seg = segs[s];
        int i = 0;
        int h = seg.size - 1;
        while (i < h) {
            int mid = (i + h) >>> 1;
            if (seg.cumulativeMaxTimestamps[mid] >= timestamp) {
                h = mid;
            } else {
                i = mid + 1;
            }
        }
        String topic = partition.topic();
        int p = partition.partition();
        for (; s < segs.length; s++, i = 0) {
            seg = segs[s];
            int size = seg.size;
            // Before the first retained slot (evicted batches raised the cumulative max): start scanning there.
            for (i = Math.max(i, seg.first); i < size; i++) {
                if (seg.bases[i] >= end) {
                    return end;
                }
                RecordBatch batch = seg.slot(i);
                if (batch == null) {
                    return RETRY;
                }
                long offset = batch.offsetForTimestamp(timestamp, start, topic, p);
                if (offset >= 0) {
                    return offset;
                }
            }
        }
        return end;
    }

    private static long saturatingSubtract(long a, long b) {
        long r = a - b;
        if (((a ^ b) & (a ^ r)) < 0) {
            return b > 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    @Override
    public String toString() {
        return "MemoryLog{" + partition + " [" + startOffset + ", " + endOffset + "), " + batchCount + " batches, " + retainedBytes + " bytes}";
    }

    /**
     * Up to {@code capacity} consecutive batches. Slots {@code [first, size)} are retained; the arrays below
     * {@code size} are written before {@code size} is published and never change afterwards, except that
     * evicted slots are nulled.
     */
    private static final class Segment {
        final RecordBatch[] batches;
        final long[] bases;
        /** For each slot, the largest max timestamp of it and every batch appended before it. */
        final long[] cumulativeMaxTimestamps;
        volatile int size;
        volatile int first;

        Segment(int capacity) {
            batches = new RecordBatch[capacity];
            bases = new long[capacity];
            cumulativeMaxTimestamps = new long[capacity];
        }

        void set(int i, RecordBatch batch, long base, long cumulativeMaxTimestamp) {
            batches[i] = batch;
            bases[i] = base;
            cumulativeMaxTimestamps[i] = cumulativeMaxTimestamp;
        }

        RecordBatch slot(int i) {
            return (RecordBatch) SLOT.getAcquire(batches, i);
        }
    }
}
