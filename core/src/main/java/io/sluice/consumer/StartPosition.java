package io.sluice.consumer;

import io.sluice.check.Check;
import java.time.Instant;

/**
 * Where a group starts reading a partition for which it has no committed offset (as Kafka's
 * {@code auto.offset.reset}, plus offsets and timestamps). A committed offset always wins.
 */
public final class StartPosition {
    /** The kinds of start position. */
    public enum Kind { EARLIEST, LATEST, OFFSET, TIMESTAMP }

    private static final StartPosition EARLIEST = new StartPosition(Kind.EARLIEST, 0);
    private static final StartPosition LATEST = new StartPosition(Kind.LATEST, 0);

    private final Kind kind;
    private final long value;

    private StartPosition(Kind kind, long value) {
        this.kind = kind;
        this.value = value;
    }

    /** The oldest record still retained. */
    public static StartPosition earliest() {
        return EARLIEST;
    }

    /** Only records appended after the group joined. */
    public static StartPosition latest() {
        return LATEST;
    }

    /** This offset in every partition (clamped into the retained range). */
    public static StartPosition offset(long offset) {
        return new StartPosition(Kind.OFFSET, Check.notNegative("offset", offset));
    }

    /** The first record whose timestamp is at or after {@code time}. */
    public static StartPosition timestamp(Instant time) {
        return new StartPosition(Kind.TIMESTAMP, Check.notNull("time", time).toEpochMilli());
    }

    public Kind kind() {
        return kind;
    }

    /** The offset, or the timestamp in epoch milliseconds. */
    public long value() {
        return value;
    }

    @Override
    public String toString() {
        return kind == Kind.OFFSET || kind == Kind.TIMESTAMP ? kind.name().toLowerCase() + "(" + value + ")" : kind.name().toLowerCase();
    }
}
