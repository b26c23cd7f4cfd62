package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Writes the value types payloads share (strings, bytes, headers, string lists, topic partitions) as
 * {@link Frames} defines them; {@link FrameReader} reads each back. The codecs of the frame kinds use both.
 */
final class FrameWriter {
    private FrameWriter() {
    }

    static void writeString(ByteBuf buf, String s) {
        if (s == null) {
            buf.writeShort(-1);
            return;
        }
        int at = buf.writerIndex();
        buf.writeShort(0);
        int n = ByteBufUtil.writeUtf8(buf, s);
        if (n > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string longer than " + Short.MAX_VALUE + " UTF-8 bytes: " + s.substring(0, 40) + "...");
        }
        buf.setShort(at, n);
    }

    static void writeBytes(ByteBuf buf, byte[] b) {
        if (b == null) {
            buf.writeInt(-1);
        } else {
            buf.writeInt(b.length).writeBytes(b);
        }
    }

    /** Headers as the core allows them: any key (as UTF-8 bytes, no length limit but the frame's), a nullable value. */
    static void writeHeaders(ByteBuf buf, Headers headers) {
        int n = headers.size();
        buf.writeInt(n);
        for (int i = 0; i < n; i++) { // by index: an iterator would be three objects per record, headers or not
            Header h = headers.get(i);
            writeBytes(buf, h.key().getBytes(StandardCharsets.UTF_8));
            writeBytes(buf, h.value());
        }
    }

    static void writeStrings(ByteBuf buf, Collection<String> strings) {
        buf.writeInt(strings.size());
        for (String s : strings) {
            writeString(buf, s);
        }
    }

    static void writeTopicPartition(ByteBuf buf, TopicPartition tp) {
        writeString(buf, tp.topic());
        buf.writeInt(tp.partition());
    }

    static void writeTopicPartitions(ByteBuf buf, Collection<TopicPartition> tps) {
        buf.writeInt(tps.size());
        for (TopicPartition tp : tps) {
            writeTopicPartition(buf, tp);
        }
    }
}
