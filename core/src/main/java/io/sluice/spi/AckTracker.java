package io.sluice.spi;

/**
 * What a member has read of one partition and not yet acknowledged. The group's position is the oldest
 * unacknowledged offset, or the next offset to read when everything read is acknowledged; offsets the
 * reader skipped (dropped, evicted) count as acknowledged, so they never hold the position back.
 *
 * <p>The member's delivery loop is the only reader: {@link #read} is a field write on the common path.
 * Acknowledgements come from any thread and set a bit in a ring indexed by offset. After {@link #revoke()}
 * acknowledgements are ignored: the partition belongs to another member, which reads from the committed
 * position again.
 *
 * <p>The one tracker of every implementation: the engine's members and {@code sluice-kafka}'s (whose position is the
 * offset it commits to Kafka) use it. Public for them; not API.
 */
public final class AckTracker {
    private long[] acked = new long[16]; // a bit per offset in [head, head + 64 * length)
    private volatile long head;          // the oldest unacknowledged offset; guarded by this for writes
    private volatile long readPosition;  // written by the reader only
    private boolean revoked;

    public AckTracker(long startOffset) {
        this.head = startOffset;
        this.readPosition = startOffset;
    }

    /** The reader took the record at {@code offset} (offsets only grow). */
    public void read(long offset) {
        if (offset != readPosition || offset + 1 - head > capacity()) {
            readSlowly(offset);
            return;
        }
        readPosition = offset + 1;
    }

    private synchronized void readSlowly(long offset) {
        skipTo(offset);
        while (offset + 1 - head > capacity()) {
            grow();
        }
        readPosition = offset + 1;
    }

    /** The reader moved to {@code offset} without reading the records before it: they count as acknowledged. */
    public synchronized void skipTo(long offset) {
        long from = readPosition;
        if (offset <= from) {
            return;
        }
        if (head == from) {
            head = offset; // nothing outstanding: the position simply moves
        } else {
            while (offset - head > capacity()) {
                grow();
            }
            for (long o = from; o < offset; o++) {
                set(o);
            }
        }
        readPosition = offset;
    }

    /** Acknowledges the record at {@code offset}; returns the new position when it moved, else -1. */
    public synchronized long ack(long offset) {
        long h = head;
        if (revoked || offset < h || offset >= readPosition) {
            return -1;
        }
        if (offset != h) {
            set(offset);
            return -1;
        }
        long end = readPosition;
        h++;
        while (h < end && isSet(h)) {
            clear(h);
            h++;
        }
        head = h;
        return h;
    }

    /** The oldest unacknowledged offset (the next to read when none is outstanding). */
    public long position() {
        return head;
    }

    /** Stops accepting acknowledgements; returns the final position. */
    public synchronized long revoke() {
        revoked = true;
        return head;
    }

    private int capacity() {
        return acked.length << 6;
    }

    private void set(long offset) {
        int bit = (int) (offset & (capacity() - 1));
        acked[bit >>> 6] |= 1L << bit;
    }

    private boolean isSet(long offset) {
        int bit = (int) (offset & (capacity() - 1));
        return (acked[bit >>> 6] & (1L << bit)) != 0;
    }

    private void clear(long offset) {
        int bit = (int) (offset & (capacity() - 1));
        acked[bit >>> 6] &= ~(1L << bit);
    }

    private void grow() {
        long[] old = acked;
        int oldCapacity = capacity();
        acked = new long[old.length * 2];
        for (long o = head; o < head + oldCapacity; o++) {
            int bit = (int) (o & (oldCapacity - 1));
            if ((old[bit >>> 6] & (1L << bit)) != 0) {
                set(o);
            }
        }
    }
}
