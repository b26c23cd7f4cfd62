package io.sluice.errors;

/** No consumer group with that id has ever joined. */
public class UnknownGroupException extends SluiceException {
    public UnknownGroupException(String message) {
        super(message);
    }

    public UnknownGroupException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNKNOWN_GROUP;
    }
}
