package io.sluice.errors;

/**
 * A record's key or value that its {@code Serde} could not read: the message names the topic, partition and offset,
 * which of the two it was and the serde, and the serde's own error is the cause. Reading the same bytes again cannot
 * help, so {@code process} does not retry it: the record goes to the dead-letter topic at once (or, without one, ends
 * {@code process}). Raised on the consumer's side only, it has no wire code of its own ({@link ErrorCode#INTERNAL}).
 */
public class DeserializationException extends SluiceException {
    private final String topic;
    private final int partition;
    private final long offset;
    private final boolean key;

    /**
     * @param key true when the key could not be read, false for the value
     * @param serde what tried to read it, as its {@code toString()} names it
     */
    public DeserializationException(String topic, int partition, long offset, boolean key, Object serde, Throwable cause) {
        super("cannot deserialize the " + (key ? "key" : "value") + " of record " + topic + "-" + partition + "@" + offset
                + " with " + serde + ": " + (cause == null ? "no cause given" : cause.getMessage()), cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    /** True when the key could not be read, false when the value could not. */
    public boolean isKey() {
        return key;
    }
}
