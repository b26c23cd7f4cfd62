package io.sluice.errors;

/** A topic with that name exists already. */
public class TopicExistsException extends SluiceException {
    public TopicExistsException(String message) {
        super(message);
    }

    public TopicExistsException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.TOPIC_EXISTS;
    }
}
