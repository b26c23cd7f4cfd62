package io.sluice.errors;

/**
 * The connection to the node was lost, or could not be made, before the request was answered. The request may
 * or may not have taken effect; the client reconnects by itself.
 */
public class DisconnectedException extends SluiceException implements Retriable {
    public DisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
