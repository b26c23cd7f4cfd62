package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.spi.SendTarget;

/**
 * A batch to append on the node: sent again after every reconnect until answered (the node drops the copies it
 * already appended, by producer id and sequence), or until the delivery timeout fails it ({@link InFlightRequests}).
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

    @Override
    void fail(Throwable e) {
        callback.failed(e);
    }

    @Override
    boolean resendable() {
        return true;
    }
}
