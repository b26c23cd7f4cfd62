package io.sluice.consumer;

/**
 * What order {@link Consumer#process} keeps when it runs several handlers at once ({@code concurrency > 1}).
 *
 * <p>Scheduling is per key (per partition for {@link #PER_PARTITION}), not per lane: a record whose key has no handler
 * running starts as soon as one of the {@code concurrency} handlers is free, whatever other keys are doing. A slow,
 * retrying or stalled key holds back only its own records, up to {@link ConsumerOptions#keyBacklog} records over all
 * such keys; past that the member takes no more records until a key moves. Acknowledgements still advance a
 * partition's committed position only over records whose handling completed, so a stalled key also holds its
 * partition's commit (records after it are delivered again if the member leaves before it moves).
 */
public enum Ordering {
    /** Records of one partition are handled one at a time, in offset order; partitions run in parallel. */
    PER_PARTITION,
    /**
     * Records with the same key are handled one at a time, in offset order; different keys run in parallel. A record
     * without a key keeps its partition's order.
     */
    PER_KEY,
    /** No order: up to {@code concurrency} records at once, whatever their partition or key. */
    UNORDERED
}
