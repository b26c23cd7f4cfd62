package io.sluice.consumer;

/**
 * Headers a dead-lettered record carries, besides its own: where it came from and why it failed.
 */
public final class DeadLetterHeaders {
    /** The original topic. */
    public static final String TOPIC = "sluice.dlq.topic";
    /** The original partition, decimal. */
    public static final String PARTITION = "sluice.dlq.partition";
    /** The original offset, decimal. */
    public static final String OFFSET = "sluice.dlq.offset";
    /** The consumer group that gave up. */
    public static final String GROUP = "sluice.dlq.group";
    /** How many times the handler ran, decimal. */
    public static final String ATTEMPTS = "sluice.dlq.attempts";
    /** The last failure's class name. */
    public static final String EXCEPTION = "sluice.dlq.exception";
    /** The last failure's message. */
    public static final String MESSAGE = "sluice.dlq.message";

    private DeadLetterHeaders() {
    }
}
