package io.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.errors.SluiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorCodecTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeCrossesTheWireAndComesBackAsItself(ErrorCode code) {
        RuntimeException received = receive(ErrorCodec.encode(7, code, "what went wrong"));

        assertThat(ErrorCode.of(received)).isEqualTo(code);
        assertThat(received.getMessage()).contains("what went wrong");
    }

    @Test
    void aCodeThisClientDoesNotKnowIsNamedInTheMessage() {
        assertThat(ErrorCodec.exceptionOf("NEWER_CODE", "from a newer node"))
                .isExactlyInstanceOf(SluiceException.class).hasMessage("NEWER_CODE: from a newer node");
        assertThat(ErrorCodec.exceptionOf(null, "m")).isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.INVALID_FRAME));
        assertThat(ErrorCodec.exceptionOf("TOPIC_FULL", "")).hasMessage("TOPIC_FULL");
    }

    private static RuntimeException receive(ByteBuf frame) {
        try {
            frame.skipBytes(Frames.LENGTH_FIELD);
            FrameReader r = new FrameReader(frame);
            assertThat(r.kind).isEqualTo(Frames.ERROR);
            assertThat(r.stream).isEqualTo(7);
            return ErrorCodec.read(r);
        } finally {
            frame.release();
        }
    }
}
