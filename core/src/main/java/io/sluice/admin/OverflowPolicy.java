package io.sluice.admin;

/**
 * What a partition does when its backlog, the records its slowest consumer group has not acknowledged,
 * would exceed the topic's {@code maxBacklog}. Groups count from their first join; a topic no group has
 * joined has no backlog (retention alone bounds it).
 */
public enum OverflowPolicy {
    /** The append waits until the slowest group catches up: a slow consumer slows its producers. Nothing is dropped. */
    BACKPRESSURE,
    /** A bounded ring: the oldest records are skipped for slow groups (their lag jumps) and counted as dropped. */
    DROP_OLDEST,
    /** The send fails with {@link io.sluice.errors.TopicFullException}. */
    FAIL
}
