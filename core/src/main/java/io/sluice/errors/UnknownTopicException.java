package io.sluice.errors;

/** The topic does not exist. */
public class UnknownTopicException extends SluiceException {
    public UnknownTopicException(String message) {
        super(message);
    }

    public UnknownTopicException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The error producers and consumers raise for {@code topic}, with the one hint they all give: how to create it.
     * {@code where} says where it was looked for (e.g. {@code "on node 127.0.0.1:7420"}), or is null.
     */
    public static UnknownTopicException withCreateHint(String topic, String where) {
        return new UnknownTopicException("unknown topic '" + topic + "'" + (where == null ? "" : " " + where)
                + ": create it with admin().createTopic(TopicSpec.of(\"" + topic + "\"))");
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNKNOWN_TOPIC;
    }
}
