package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.nio.ByteBuffer;

/**
 * {@link Frames#DELIVER}, on a subscription's stream: {@code firstDeliveryId:int64 count:int32} then per record
 * {@code flags:int8 [topic:string partition:int32] [offset:int64] timestamp:int64 key:bytes value:bytes headers}.
 * The topic and partition are left out when they are the previous record's ({@link #SAME_PARTITION}), the offset
 * when it is the previous record's plus one ({@link #NEXT_OFFSET}). Deliveries are numbered from
 * {@code firstDeliveryId}, one per record, in order.
 *
 * <p>The node writes the records that wait for the connection's next write as one frame (or several, back to back in
 * one buffer, when they are many): {@link #begin}, {@link #encodeRecord} per record, {@link #end} with the count.
 * The client decodes a frame with {@link #read}: one copy of the payload, each record's key and value slices of it,
 * and no object per record besides the record.
 */
final class DeliverCodec {
    private DeliverCodec() {
    }

    /** Record flag: the topic and partition are the previous record's. */
    static final byte SAME_PARTITION = 1;
    /** Record flag: the offset is the previous record's plus one (only with {@link #SAME_PARTITION}). */
    static final byte NEXT_OFFSET = 2;

    /** Where the record count is, from the frame's first byte: after the length, the header and the first id. */
    private static final int COUNT_AT = Frames.LENGTH_FIELD + Frames.BODY_HEADER + 8;

    /** Told each record of a DELIVER frame with its delivery id. */
    interface RecordSink {
        void accept(long deliveryId, Record record);
    }

    /**
     * Starts a frame at the writer index of {@code buf} (after any frames it holds) whose first record is delivery
     * {@code firstDeliveryId}; {@link #end} with that index sets the count.
     */
    static void begin(ByteBuf buf, int subscription, long firstDeliveryId) {
        Frames.begin(buf, Frames.DELIVER, subscription).writeLong(firstDeliveryId).writeInt(0);
    }

    /**
     * Appends {@code record}; {@code previous} is the record before it in this frame (null for the first), whose
     * partition and offset it may leave out. On an exception the frame may hold part of the record: the caller
     * resets the writer index.
     */
    static void encodeRecord(ByteBuf frame, Record record, Record previous) {
        // one topic String per batch: identity is enough, and cheaper than equals
        boolean samePartition = previous != null && record.topic() == previous.topic() && record.partition() == previous.partition();
        boolean nextOffset = samePartition && record.offset() == previous.offset() + 1;
        frame.writeByte((samePartition ? SAME_PARTITION : 0) | (nextOffset ? NEXT_OFFSET : 0));
        if (!samePartition) {
            FrameWriter.writeString(frame, record.topic());
            frame.writeInt(record.partition());
        }
        if (!nextOffset) {
            frame.writeLong(record.offset());
        }
        frame.writeLong(record.timestamp());
        if (record.hasKey()) {
            frame.writeInt(record.keyBuffer().remaining());
            frame.writeBytes(record.keyBuffer());
        } else {
            frame.writeInt(-1);
        }
        frame.writeInt(record.valueLength());
        frame.writeBytes(record.valueBuffer());
        FrameWriter.writeHeaders(frame, record.headers());
    }

    /** Sets the count of records and the length of the frame that starts at {@code start}; it is ready to write. */
    static void end(ByteBuf buf, int start, int count) {
        buf.setInt(start + COUNT_AT, count);
        Frames.end(buf, start);
    }

    /** Decodes every record of the frame, in order, copying its payload once. */
    static void read(FrameReader r, RecordSink sink) {
        long firstId = r.readLong("first delivery id");
        int count = r.readCount("records", 17);
        ByteBuf buf = r.buffer();
        int base = buf.readerIndex();
        byte[] data = new byte[buf.readableBytes()];
        buf.getBytes(base, data);
        ByteBuffer view = ByteBuffer.wrap(data).asReadOnlyBuffer();
        String topic = null;
        int partition = -1;
        long offset = -1;
        for (int i = 0; i < count; i++) {
            byte flags = r.readByte("record flags");
            if ((flags & SAME_PARTITION) == 0) {
                String t = r.readRequiredString("topic");
                topic = t.equals(topic) ? topic : t;
                partition = r.readInt("partition");
            } else if (topic == null) {
                throw r.invalid("the first record cannot continue a previous one");
            }
            if ((flags & NEXT_OFFSET) == 0) {
                offset = r.readLong("offset");
            } else if ((flags & SAME_PARTITION) == 0) {
                throw r.invalid("a record of another partition cannot take the next offset");
            } else {
                offset++;
            }
            long timestamp = r.readLong("timestamp");
            int keyLength = r.readInt("key length");
            if (keyLength < -1 || keyLength > buf.readableBytes()) {
                throw r.invalid("key length " + keyLength);
            }
            int keyAt = buf.readerIndex() - base;
            buf.skipBytes(Math.max(0, keyLength));
            int valueLength = r.readInt("value length");
            if (valueLength < 0 || valueLength > buf.readableBytes()) {
                throw r.invalid("value length " + valueLength);
            }
            int valueAt = buf.readerIndex() - base;
            buf.skipBytes(valueLength);
            Headers headers = r.readHeaders("headers");
            sink.accept(firstId + i, new Record(topic, partition, offset, timestamp, data, view, keyAt, keyLength, valueAt, valueLength, headers));
        }
        r.end();
    }
}
