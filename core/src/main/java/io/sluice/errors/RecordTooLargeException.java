package io.sluice.errors;

/**
 * A record too large for any batch its target takes: alone it would exceed the largest batch (over the network the
 * node's maximum frame size, which the client learns in the handshake). The producer raises it before sending
 * anything, and its {@code send} fails with it; trying again cannot help. A node that refuses a batch as too large
 * ({@code FRAME_TOO_LARGE} on the batch's request) fails that batch's send with it too: raised on the producer's
 * side only, it has no wire code of its own ({@link ErrorCode#INTERNAL}, as {@link DisconnectedException}).
 */
public class RecordTooLargeException extends SluiceException {
    public RecordTooLargeException(String message) {
        super(message);
    }

    public RecordTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
