package io.sluice.consumer;

/** What order {@link Consumer#process} keeps when it runs several handlers at once ({@code concurrency > 1}). */
public enum Ordering {
    /** Records of one partition are handled one at a time, in offset order. */
    PER_PARTITION,
    /**
     * Records with the same key are handled one at a time, in offset order; different keys run in parallel.
     * Keys are spread over {@code concurrency} lanes by hash, so two keys may share a lane and wait for each other.
     */
    PER_KEY,
    /** No order: up to {@code concurrency} records at once, whatever their partition or key. */
    UNORDERED
}
