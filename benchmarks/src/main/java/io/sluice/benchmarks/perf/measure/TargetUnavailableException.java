package io.sluice.benchmarks.perf.measure;

/** A target's peer cannot be reached; the message is one line naming the address (never a password). */
public final class TargetUnavailableException extends RuntimeException {
    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code e} and, if it differs, its root cause, on one line: for the one-line message of a target that failed. */
    public static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root == e ? String.valueOf(e) : e + " (" + root + ")";
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
