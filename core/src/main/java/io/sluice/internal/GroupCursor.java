package io.sluice.internal;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A group's acknowledged position in one partition: the oldest record it still owes. The partition reads the
 * slowest of its groups' cursors for its overflow policy; the group's members move it forward as they acknowledge.
 */
final class GroupCursor {
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

    private static final AtomicLongFieldUpdater<GroupCursor> POSITION = AtomicLongFieldUpdater.newUpdater(GroupCursor.class, "position");
}
