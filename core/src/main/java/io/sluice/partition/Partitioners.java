package io.sluice.partition;

/** STUB: signatures only. */
public final class Partitioners {
    private Partitioners() {
    }

    public static Partitioner roundRobin() { throw new UnsupportedOperationException(); }
    public static Partitioner random() { throw new UnsupportedOperationException(); }
    public static Partitioner weighted(double... weights) { throw new UnsupportedOperationException(); }
    public static Partitioner sticky() { throw new UnsupportedOperationException(); }
    public static Partitioner keyHash() { return (m, n) -> 0; }
    public static int murmur2(byte[] data) { throw new UnsupportedOperationException(); }
}
