package io.sluice.errors;

/** The node asked does not lead the partition (in a cluster); ask the leader the metadata names. */
public class NotLeaderException extends SluiceException implements Retriable {
    public NotLeaderException(String message) {
        super(message);
    }
}
