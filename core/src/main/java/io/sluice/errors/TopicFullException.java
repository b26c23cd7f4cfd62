package io.sluice.errors;

/** A topic with overflow policy {@code FAIL} holds {@code maxBacklog} records its slowest group has not consumed. */
public class TopicFullException extends SluiceException implements Retriable {
    public TopicFullException(String message) {
        super(message);
    }

    public TopicFullException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.TOPIC_FULL;
    }
}
