package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.errors.RecordTooLargeException;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.spi.SendTarget;

/**
 * A batch to append on the node: sent again after every reconnect until answered (the node drops the copies it
 * already appended, by producer id and sequence), or until the delivery timeout fails it ({@link InFlightRequests}).
 * An error answer fails it for good: a refused batch is never sent again.
 */
final class ProduceRequest extends Request {
    final String topic;
    final int partition;
    private final Acks acks;
    private final RecordBatch batch;
    private final SendTarget.AppendCallback callback;
    final long createdAt = System.nanoTime();

    ProduceRequest(int id, String topic, int partition, Acks acks, RecordBatch batch, SendTarget.AppendCallback callback) {
        super(id);
        this.topic = topic;
        this.partition = partition;
        this.acks = acks;
        this.batch = batch;
        this.callback = callback;
    }

    @Override
    ByteBuf encode() {
        return ProduceCodec.encode(id, topic, partition, acks, batch.array());
    }

    @Override
    void answer(FrameReader r) {
        if (r.kind != Frames.PRODUCED) {
            throw r.invalid("a PRODUCE request expects PRODUCED");
        }
        callback.appended(ProduceCodec.readProduced(r));
    }

    /** A node's refusal of the frame as too large fails the batch as too large, naming it; it is not sent again. */
    @Override
    void fail(Throwable e) {
        if (e instanceof ProtocolException p && p.code() == ErrorCode.FRAME_TOO_LARGE) {
            e = new RecordTooLargeException("the node refused the batch of " + topic + "-" + partition + " (" + batch.count() + " records, "
                    + batch.sizeInBytes() + " bytes): " + p.getMessage(), p);
        }
        callback.failed(e);
    }

    @Override
    boolean resendable() {
        return true;
    }
}
