package io.sluice.errors;

/**
 * The other side of a connection sent something the wire protocol does not allow: a malformed frame, one larger
 * than the agreed maximum, or an unsupported protocol version. {@link #code()} is the stable error code.
 */
public class ProtocolException extends SluiceException {
    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** {@code INVALID_FRAME}, {@code FRAME_TOO_LARGE} or {@code UNSUPPORTED_VERSION}. */
    public String code() {
        return code;
    }
}
