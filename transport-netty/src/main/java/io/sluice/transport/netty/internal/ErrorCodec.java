package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.errors.SluiceException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@link Frames#ERROR}: {@code code:string message:string}, on the failed request's or subscription's stream, or
 * on stream 0 before the node closes the connection. The code is an {@link ErrorCode}'s name: the node sends the
 * code of the exception it caught, the client raises the exception of the code, with the node's message.
 */
final class ErrorCodec {
    private ErrorCodec() {
    }

    /** Longer messages are cut, so that an error frame stays small whatever failed. */
    private static final int MAX_MESSAGE = 4000;

    private static final Map<String, ErrorCode> BY_NAME = Arrays.stream(ErrorCode.values())
            .collect(Collectors.toUnmodifiableMap(ErrorCode::name, Function.identity()));

    static ByteBuf encode(int stream, ErrorCode code, String message) {
        ByteBuf buf = Frames.begin(Frames.ERROR, stream, 64 + (message == null ? 0 : message.length()));
        FrameWriter.writeString(buf, code.name());
        FrameWriter.writeString(buf, message == null ? "" : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message);
        return Frames.end(buf);
    }

    /** The exception an ERROR frame stands for: the code's own, or a {@link SluiceException} naming a code this client does not know. */
    static RuntimeException read(FrameReader r) {
        return exceptionOf(r.readString("code"), r.readString("message"));
    }

    static RuntimeException exceptionOf(String code, String message) {
        String m = message == null || message.isEmpty() ? code : message;
        if (code == null) {
            return new ProtocolException(ErrorCode.INVALID_FRAME, "an error frame without a code: " + m);
        }
        ErrorCode known = BY_NAME.get(code);
        return known != null ? known.exception(m) : new SluiceException(code + ": " + m);
    }
}
