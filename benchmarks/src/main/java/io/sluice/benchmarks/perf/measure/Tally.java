package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.workload.Workload;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The reliability tally of one consumer: which sequence numbers arrived (a {@link BitSet}), how many arrived
 * more than once, and how many arrived lower than the previous one of the same partition. Single writer,
 * no locks; {@link #merge} combines the tallies of several consumers after a run.
 *
 * <ul>
 * <li>duplicated: deliveries of a sequence number already seen</li>
 * <li>lost: sent minus distinct sequence numbers received ({@link #lost(long)})</li>
 * <li>reordered: deliveries whose sequence number is lower than the previous one seen in the same partition</li>
 * </ul>
 */
public final class Tally {
    private final BitSet seen = new BitSet();
    private final long[] previous;
    private long received;
    private long distinct;
    private long duplicated;
    private long reordered;

    /** A tally for records spread over {@code partitions} partitions (lanes in which order is expected). */
    public Tally(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        previous = new long[partitions];
        Arrays.fill(previous, -1);
    }

    /**
     * Counts one delivery.
     *
     * @return true when {@code seq} had not been seen before
     * @throws IllegalArgumentException if {@code seq} is negative or beyond {@link Workload#MAX_RECORDS}
     */
    public boolean record(int partition, long seq) {
        if (seq < 0 || seq >= Workload.MAX_RECORDS) {
            throw new IllegalArgumentException("sequence number out of range: " + seq + " (a corrupt record?)");
        }
        received++;
        if (seq < previous[partition]) {
            reordered++;
        }
        previous[partition] = seq;
        int i = (int) seq;
        if (seen.get(i)) {
            duplicated++;
            return false;
        }
        seen.set(i);
        distinct++;
        return true;
    }

    /** Adds another consumer's tally: its deliveries, and as duplicates the sequence numbers both saw. */
    public void merge(Tally other) {
        BitSet both = (BitSet) seen.clone();
        both.and(other.seen);
        duplicated += other.duplicated + both.cardinality();
        seen.or(other.seen);
        distinct = seen.cardinality();
        received += other.received;
        reordered += other.reordered;
    }

    /** Every delivery, duplicates included. */
    public long received() {
        return received;
    }

    /** Distinct sequence numbers received. */
    public long distinct() {
        return distinct;
    }

    public long duplicated() {
        return duplicated;
    }

    public long reordered() {
        return reordered;
    }

    /** Sequence numbers below {@code sent} never received. */
    public long lost(long sent) {
        return Math.max(0, sent - (long) seen.get(0, (int) Math.min(sent, Integer.MAX_VALUE)).cardinality());
    }

    /** True when {@code seq} was received at least once. */
    public boolean seen(long seq) {
        return seq >= 0 && seq < Workload.MAX_RECORDS && seen.get((int) seq);
    }
}
