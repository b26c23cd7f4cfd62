package io.sluice.producer;

/**
 * When a send is acknowledged, trading latency for what the acknowledgement promises.
 */
public enum Acks {
    /** Fire and forget: the result is emitted when the batch is handed to the engine; no offset, errors only logged. */
    NONE,
    /** After the batch is appended to the partition log in memory (readable by consumers); results carry offsets. */
    APPENDED,
    /**
     * After the log store has committed the batch. With the in-memory store this is the same as {@link #APPENDED};
     * with a durable store the record survives a process crash.
     */
    STORED
}
