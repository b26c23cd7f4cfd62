package io.sluice.partition;

/** STUB: signatures only. */
public final class Assignors {
    private Assignors() {
    }

    public static Assignor range() { return (m, p, prev) -> java.util.Map.of(); }
    public static Assignor roundRobin() { throw new UnsupportedOperationException(); }
    public static Assignor sticky() { throw new UnsupportedOperationException(); }
    public static Assignor weighted() { throw new UnsupportedOperationException(); }
}
