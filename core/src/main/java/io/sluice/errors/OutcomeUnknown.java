package io.sluice.errors;

/**
 * Marks an error after which a failed send's records may have been stored all the same: the batch had reached
 * the engine or node, and the answer did not come back (a lost connection or a delivery timeout,
 * {@link DisconnectedException}; an engine that closed before its store confirmed the batch, {@link StoreException},
 * {@link ClosedException}). Kafka's rule: a timeout is "unknown". Sending those records again may store them twice,
 * so make the resend or the consumer idempotent (check by key, or read the partition first).
 *
 * <p>A send's error without this mark (an unknown topic, a full topic under {@code FAIL}, an invalid record, ...)
 * says that the batch it names was not stored. Test it with {@link SluiceException#isOutcomeUnknown()} or
 * {@code instanceof}; it holds the same for an embedded engine and over the network (each code makes the same type).
 */
public interface OutcomeUnknown {
}
