package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import java.util.function.LongConsumer;

/**
 * {@link Frames#ACK}, on a subscription's stream: {@code count:int32} then {@code deliveryId:int64} each, the
 * deliveries the client acknowledges (numbered as in {@link DeliverCodec}).
 */
final class AckCodec {
    private AckCodec() {
    }

    /** An ACK frame of the first {@code count} ids of {@code deliveryIds}. */
    static ByteBuf encode(int subscription, long[] deliveryIds, int count) {
        ByteBuf b = Frames.begin(Frames.ACK, subscription, 4 + 8 * count);
        b.writeInt(count);
        for (int i = 0; i < count; i++) {
            b.writeLong(deliveryIds[i]);
        }
        return Frames.end(b);
    }

    /** Gives each id to {@code acknowledged}, in order, without collecting them. */
    static void read(FrameReader r, LongConsumer acknowledged) {
        int n = r.readCount("ids", 8);
        for (int i = 0; i < n; i++) {
            acknowledged.accept(r.readLong("delivery id"));
        }
        r.end();
    }
}
