package io.sluice.errors;

/**
 * A partition received an idempotent producer's batch whose sequence number does not follow the last one it
 * appended for that producer: a batch in between is missing (it failed), so appending this one would reorder
 * the producer's records. The send has already failed for the missing batch; start a new send.
 */
public class OutOfOrderSequenceException extends SluiceException {
    public OutOfOrderSequenceException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.OUT_OF_ORDER_SEQUENCE;
    }
}
