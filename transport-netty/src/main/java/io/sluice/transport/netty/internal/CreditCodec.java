package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;

/** {@link Frames#CREDIT}, on a subscription's stream: {@code records:int64}, more records the node may send (request-n). */
final class CreditCodec {
    private CreditCodec() {
    }

    static ByteBuf encode(int subscription, long records) {
        ByteBuf b = Frames.begin(Frames.CREDIT, subscription, 8);
        b.writeLong(records);
        return Frames.end(b);
    }

    /** The credit granted: positive, or the frame is invalid. */
    static long read(FrameReader r) {
        long n = r.readLong("credit");
        r.end();
        if (n <= 0) {
            throw r.invalid("credit must be positive, was " + n);
        }
        return n;
    }
}
