package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.producer.Acks;

/**
 * {@link Frames#PRODUCE}: {@code topic:string partition:int32 acks:int8 batch:bytes}, the batch exactly as the
 * client's codec encoded it; answered by {@link Frames#PRODUCED}: {@code baseOffset:int64}.
 */
final class ProduceCodec {
    private ProduceCodec() {
    }

    /** What a PRODUCE frame asks for: one per frame (a whole batch), none per record. */
    record Produce(String topic, int partition, Acks acks, byte[] batch) {
    }

    /**
     * A PRODUCE frame whose batch is {@code batch} itself, not a copy (the client never changes a built batch): a
     * composite of the header and the wrapped array, which the connection releases once written.
     */
    static ByteBuf encode(int stream, String topic, int partition, Acks acks, byte[] batch) {
        ByteBuf head = Frames.begin(Frames.PRODUCE, stream, 2 + topic.length() * 3 + 9);
        FrameWriter.writeString(head, topic);
        head.writeInt(partition);
        head.writeByte(acks.ordinal());
        head.writeInt(batch.length);
        head.setInt(0, head.writerIndex() - Frames.LENGTH_FIELD + batch.length);
        return Unpooled.wrappedBuffer(head, Unpooled.wrappedBuffer(batch));
    }

    /** Reads the whole payload (the batch copied out of the frame); an unknown acks level or no batch is invalid. */
    static Produce read(FrameReader r) {
        String topic = r.readRequiredString("topic");
        int partition = r.readInt("partition");
        byte acks = r.readByte("acks");
        byte[] batch = r.readBytes("batch");
        r.end();
        if (acks < 0 || acks >= Acks.values().length) {
            throw r.invalid("acks " + acks + " is unknown");
        }
        if (batch == null) {
            throw r.invalid("batch is missing");
        }
        return new Produce(topic, partition, Acks.values()[acks], batch);
    }

    /**
     * The bytes a PRODUCE frame of {@code topic} has besides its batch, as its length counts them: the body header,
     * the topic, partition, acks and the batch's length. A batch fits a maximum frame size {@code m} when it has at
     * most {@code m} less these bytes.
     */
    static int frameOverhead(String topic) {
        return Frames.BODY_HEADER + 2 + ByteBufUtil.utf8Bytes(topic) + 4 + 1 + 4;
    }

    static ByteBuf encodeProduced(int stream, long baseOffset) {
        ByteBuf b = Frames.begin(Frames.PRODUCED, stream, 8);
        b.writeLong(baseOffset);
        return Frames.end(b);
    }

    /** The base offset a PRODUCED frame carries. */
    static long readProduced(FrameReader r) {
        long base = r.readLong("base offset");
        r.end();
        return base;
    }
}
