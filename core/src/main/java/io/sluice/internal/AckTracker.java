package io.sluice.internal;

/**
 * The records of one partition a member has read but not yet acknowledged, in offset order. The group's
 * position is the oldest unacknowledged offset, or the next offset to read when everything read is
 * acknowledged, so skipped offsets (dropped, evicted) never hold it back. After {@link #revoke()}
 * acknowledgements are ignored: the partition belongs to another member, which reads from the committed
 * position again.
 */
final class AckTracker {
    private long[] offsets = new long[64];
    private boolean[] acked = new boolean[64];
    private long head; // sequence of the oldest tracked record
    private long tail; // sequence the next read record gets
    private long readPosition;
    private boolean revoked;

    AckTracker(long startOffset) {
        this.readPosition = startOffset;
    }

    /** Tracks a record just read; returns its sequence for {@link #ack}. */
    synchronized long register(long offset) {
        int size = (int) (tail - head);
        if (size == offsets.length) {
            grow();
        }
        int i = (int) (tail & (offsets.length - 1));
        offsets[i] = offset;
        acked[i] = false;
        readPosition = offset + 1;
        return tail++;
    }

    /** The reader skipped to {@code offset} without reading the records before it. */
    synchronized void skipTo(long offset) {
        if (offset > readPosition) {
            readPosition = offset;
        }
    }

    /**
     * Acknowledges the record of sequence {@code seq}; returns the new position when it moved, else -1.
     */
    synchronized long ack(long seq) {
        if (revoked || seq < head || seq >= tail) {
            return -1;
        }
        int mask = offsets.length - 1;
        acked[(int) (seq & mask)] = true;
        if (seq != head) {
            return -1;
        }
        while (head < tail && acked[(int) (head & mask)]) {
            head++;
        }
        return positionLocked();
    }

    synchronized long position() {
        return positionLocked();
    }

    private long positionLocked() {
        return head == tail ? readPosition : offsets[(int) (head & (offsets.length - 1))];
    }

    /** Stops accepting acknowledgements; returns the final position. */
    synchronized long revoke() {
        revoked = true;
        return positionLocked();
    }

    synchronized boolean revoked() {
        return revoked;
    }

    synchronized int unacknowledged() {
        return (int) (tail - head);
    }

    private void grow() {
        int n = offsets.length;
        long[] o = new long[n * 2];
        boolean[] a = new boolean[n * 2];
        for (long s = head; s < tail; s++) {
            o[(int) (s & (2 * n - 1))] = offsets[(int) (s & (n - 1))];
            a[(int) (s & (2 * n - 1))] = acked[(int) (s & (n - 1))];
        }
        offsets = o;
        acked = a;
    }
}
