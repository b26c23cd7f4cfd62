package io.sluice.log;

/**
 * The offsets a store holds for one partition: {@code [start, end)}. {@code end} is the next offset the partition
 * will assign, remembered even when retention has deleted every batch (then {@code start == end}), so that a
 * restarted engine never hands out an offset twice. A partition that never stored anything is {@code [0, 0)}.
 *
 * @param start the first offset still stored
 * @param end   one past the last offset ever stored
 */
public record OffsetRange(long start, long end) {
    /** Nothing stored yet. */
    public static final OffsetRange EMPTY = new OffsetRange(0, 0);

    public OffsetRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("offset range must have 0 <= start <= end, was [" + start + ", " + end + ")");
        }
    }

    /** Records in the range. */
    public long size() {
        return end - start;
    }
}
