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
}
