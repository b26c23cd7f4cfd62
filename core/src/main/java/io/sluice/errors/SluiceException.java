package io.sluice.errors;

/** The base of Sluice's errors. */
public class SluiceException extends RuntimeException {
    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when trying the same operation again may succeed. */
    public boolean isRetriable() {
        return this instanceof Retriable;
    }

    /**
     * True when a send that failed with this error may have stored its records all the same ({@link OutcomeUnknown}):
     * resending them may duplicate them. False: the batch the error names was not stored.
     */
    public boolean isOutcomeUnknown() {
        return this instanceof OutcomeUnknown;
    }

    /**
     * The stable code a node sends for this error: each subclass names its own; {@link ErrorCode#INTERNAL} for
     * this base and for errors that only a client raises ({@link DisconnectedException}).
     */
    public ErrorCode code() {
        return ErrorCode.INTERNAL;
    }
}
