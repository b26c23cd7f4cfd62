package io.sluice.errors;

/**
 * The connection to the node was lost, or could not be made, before the request was answered, or a produce request
 * was not acknowledged within the client's delivery timeout. The request may or may not have taken effect
 * ({@link OutcomeUnknown}); the client reconnects by itself.
 */
public class DisconnectedException extends SluiceException implements Retriable, OutcomeUnknown {
    public DisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
