package io.sluice.errors;

/**
 * The durable store did not take a batch, so its sends are not acknowledged ({@code Acks.STORED}). The batch may
 * be stored all the same (a commit whose answer was lost): the engine stores it again in the background, checking
 * first whether it landed, and the partition refuses appends with this error until the store has every batch it
 * was given. Try again later; a producer that resends may duplicate the records it was not told about.
 */
public class StoreException extends SluiceException implements Retriable {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.STORE_FAILED;
    }
}
