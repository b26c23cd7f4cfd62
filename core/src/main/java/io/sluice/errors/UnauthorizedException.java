package io.sluice.errors;

/** A node refused the request: no token, an unknown token, or a token without the permission it needs. */
public class UnauthorizedException extends SluiceException {
    public UnauthorizedException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNAUTHORIZED;
    }
}
