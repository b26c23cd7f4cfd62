package io.sluice.errors;

/** The topic does not exist. */
public class UnknownTopicException extends SluiceException {
    public UnknownTopicException(String message) {
        super(message);
    }

    public UnknownTopicException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNKNOWN_TOPIC;
    }
}
