package io.sluice.benchmarks.perf;

/** A target's peer cannot be reached; the message is one line naming the address (never a password). */
public final class TargetUnavailableException extends RuntimeException {
    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
