package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.MonoSink;

/**
 * An admin (or commit) request: a frame of {@code kind} with {@code payload}, answered by a frame of
 * {@code answerKind} that {@code read} turns into the Mono's value (null: empty). Sent again after a reconnect only
 * if it was never sent: one that reached the node may have taken effect, so a lost connection fails it.
 */
final class AdminRequest<T> extends Request {
    private final byte kind;
    private final Consumer<ByteBuf> payload;
    private final byte answerKind;
    private final Function<FrameReader, T> read;
    private final MonoSink<T> sink;

    AdminRequest(int id, byte kind, Consumer<ByteBuf> payload, byte answerKind, Function<FrameReader, T> read, MonoSink<T> sink) {
        super(id);
        this.kind = kind;
        this.payload = payload;
        this.answerKind = answerKind;
        this.read = read;
        this.sink = sink;
    }

    @Override
    ByteBuf encode() {
        ByteBuf b = Frames.begin(kind, id, 64);
        payload.accept(b);
        return Frames.end(b);
    }

    @Override
    void answer(FrameReader r) {
        if (r.kind != answerKind) {
            throw r.invalid("a " + Frames.kindName(kind) + " request expects " + Frames.kindName(answerKind));
        }
        T value = read.apply(r);
        r.end();
        if (value == null) {
            sink.success();
        } else {
            sink.success(value);
        }
    }

    @Override
    void fail(Throwable e) {
        sink.error(e);
    }

    @Override
    boolean resendable() {
        return sentOn == null; // not yet sent: send it once connected
    }
}
