package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;

/**
 * {@link Frames#COMMIT}, a request answered by {@link Frames#OK}: {@code subscription:int32 deliveryId:int64},
 * commit through that delivery (its partition), or every partition the member owns when the id is negative.
 */
final class CommitCodec {
    private CommitCodec() {
    }

    /** What a COMMIT frame asks for. */
    record Commit(int subscription, long deliveryId) {
    }

    /** The payload, for a request the connection frames (and may send again). */
    static void write(ByteBuf payload, int subscription, long deliveryId) {
        payload.writeInt(subscription).writeLong(deliveryId);
    }

    static Commit read(FrameReader r) {
        int subscription = r.readInt("subscription");
        long deliveryId = r.readLong("delivery id");
        r.end();
        return new Commit(subscription, deliveryId);
    }
}
