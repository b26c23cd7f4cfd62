package io.sluice.errors;

/**
 * The engine, producer or consumer is closed; the message says which. A send it ends may have stored the batches it
 * had in flight ({@link OutcomeUnknown}).
 */
public class ClosedException extends SluiceException implements OutcomeUnknown {
    public ClosedException(String message) {
        super(message);
    }

    public ClosedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.CLOSED;
    }
}
