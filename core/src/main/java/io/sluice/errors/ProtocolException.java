package io.sluice.errors;

/**
 * The other side of a connection sent something the wire protocol does not allow: a malformed frame, one larger
 * than the agreed maximum, an unsupported protocol version, or a handshake without a valid token. The node closes
 * that connection after telling the code.
 */
public class ProtocolException extends SluiceException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** {@code INVALID_FRAME}, {@code FRAME_TOO_LARGE}, {@code UNSUPPORTED_VERSION}, or {@code UNAUTHORIZED} in a handshake. */
    @Override
    public ErrorCode code() {
        return code;
    }
}
