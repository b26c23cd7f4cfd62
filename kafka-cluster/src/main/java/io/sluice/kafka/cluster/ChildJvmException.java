package io.sluice.kafka.cluster;

/**
 * A child JVM (a Kafka node, a server or tool of the perf lab) could not be started, exited while it was awaited, or did
 * not get ready or finish in time. Unchecked: a test or a run cannot go on without its server, and its caller decides
 * what that means (a failed test, a target skipped with this message). The message names the child and, when it got as
 * far as writing one, ends with the tail of its log.
 */
public final class ChildJvmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChildJvmException(String message, Throwable cause) {
        super(message, cause);
    }
}
