package io.sluice.benchmarks.perf.workload;

import io.sluice.benchmarks.perf.measure.Tally;

/**
 * The record keys of a workload ({@code --keys}), and what order the run can therefore promise.
 *
 * <p>Record {@code seq}'s key is a pure function of {@code seq}: a 64-bit mix of it, modulo the number of keys,
 * so the keys are spread uniformly and every side (the targets that send them, the tally that checks their order)
 * agrees without carrying anything extra in the record. A key travels as 4 big-endian bytes, its index.
 *
 * <p>With several producers ({@code --producers}) each record goes to the producer of its key, or with keyless
 * records to producer {@code seq % producers}. Order is then defined per key (one producer sends all of a key's
 * records, in sequence order), or for keyless records per partition and producer; those are the lanes in which the
 * {@link Tally} counts a lower sequence number after a higher one as reordered.
 */
public final class Keys {
    private final int keys;
    private final int producers;

    private Keys(int keys, int producers) {
        this.keys = keys;
        this.producers = producers;
    }

    public static Keys of(Workload workload) {
        return new Keys(workload.keys(), workload.producers());
    }

    /** True when records carry keys. */
    boolean keyed() {
        return keys > 0;
    }

    /** Record {@code seq}'s key index, in {@code [0, keys)}; only for keyed workloads. */
    public int index(long seq) {
        return (int) Long.remainderUnsigned(mix(seq), keys);
    }

    /** Record {@code seq}'s key bytes, or null when records are keyless. */
    public byte[] key(long seq) {
        if (keys == 0) {
            return null;
        }
        int i = index(seq);
        return new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
    }

    /** Which producer, in {@code [0, producers)}, sends record {@code seq}. */
    public int producer(long seq) {
        if (producers == 1) {
            return 0;
        }
        return keys > 0 ? index(seq) % producers : (int) (seq % producers);
    }

    /** How many order lanes records of {@code partitions} partitions fall into. */
    public int lanes(int partitions) {
        return keys > 0 ? keys : partitions * producers;
    }

    /** The order lane of record {@code seq} received from {@code partition}. */
    public int lane(int partition, long seq) {
        if (keys > 0) {
            return index(seq);
        }
        return producers == 1 ? partition : partition * producers + (int) (seq % producers);
    }

    /** A bijective 64-bit mix (the finalizer of SplitMix64), so that consecutive records get unrelated keys. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
