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
     * After the log store has committed the batch, and every batch before it in the partition. With the in-memory
     * store this is the same as {@link #APPENDED}; with a durable store the record survives a process crash. A store
     * write that fails does not fail the send: the engine stores the batch again (checking first whether it landed)
     * and acknowledges it then, once, however long the store takes to come back; meanwhile the partition's new
     * appends wait. Only the engine's closing (or the topic's deletion) ends that wait, with an error that
     * {@linkplain io.sluice.errors.SluiceException#isOutcomeUnknown() says} the batch may be stored; a remote producer
     * also gives up after its client's delivery timeout.
     */
    STORED
}
