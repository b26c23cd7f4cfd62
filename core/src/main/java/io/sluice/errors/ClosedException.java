package io.sluice.errors;

/** The engine, producer or consumer is closed; the message says which. */
public class ClosedException extends SluiceException {
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
