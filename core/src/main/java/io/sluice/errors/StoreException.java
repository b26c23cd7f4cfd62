package io.sluice.errors;

/**
 * The durable store had not confirmed a batch when the engine stopped waiting for it. A store write that fails does
 * not fail its send: the engine holds the batch's {@code Acks.STORED} acknowledgement (and the partition's new
 * appends) while it stores the batch again in the background, checking first whether it landed, for as long as the
 * store is down. Only a partition that closes meanwhile (the engine closed, the topic deleted) ends that wait, with
 * this error. The batch may be stored all the same ({@link OutcomeUnknown}): a producer that resends it may
 * duplicate its records.
 */
public class StoreException extends SluiceException implements Retriable, OutcomeUnknown {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.STORE_FAILED;
    }
}
