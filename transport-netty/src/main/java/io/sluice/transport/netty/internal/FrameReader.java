package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one frame body (after the length): its header, then the payload's values in order, as the kind's codec
 * asks for them ({@link FrameWriter} writes them). Every read checks that the bytes are there, and a malformed
 * payload raises {@link ProtocolException} {@code INVALID_FRAME} naming the frame kind and what was wrong. It reads
 * the body in place; the body stays its caller's to release.
 */
final class FrameReader {
    private final ByteBuf buf;
    final byte kind;
    final int stream;

    FrameReader(ByteBuf body) {
        this.buf = body;
        if (body.readableBytes() < Frames.BODY_HEADER) {
            throw invalid("a frame body of " + body.readableBytes() + " bytes is shorter than its " + Frames.BODY_HEADER + "-byte header");
        }
        this.kind = body.readByte();
        this.stream = body.readInt();
    }

    ProtocolException invalid(String what) {
        return new ProtocolException(ErrorCode.INVALID_FRAME, "invalid " + Frames.kindName(kind) + " frame: " + what);
    }

    private void need(int bytes, String field) {
        if (buf.readableBytes() < bytes) {
            throw invalid(field + " needs " + bytes + " bytes, " + buf.readableBytes() + " left");
        }
    }

    byte readByte(String field) {
        need(1, field);
        return buf.readByte();
    }

    short readShort(String field) {
        need(2, field);
        return buf.readShort();
    }

    int readInt(String field) {
        need(4, field);
        return buf.readInt();
    }

    long readLong(String field) {
        need(8, field);
        return buf.readLong();
    }

    double readDouble(String field) {
        need(8, field);
        return buf.readDouble();
    }

    /** A non-negative count of items of at least {@code minItemBytes} each: checked against what is left. */
    int readCount(String field, int minItemBytes) {
        int n = readInt(field);
        if (n < 0 || (long) n * Math.max(1, minItemBytes) > buf.readableBytes()) {
            throw invalid(field + " count " + n + " does not fit the " + buf.readableBytes() + " bytes left");
        }
        return n;
    }

    String readString(String field) {
        short n = readShort(field);
        if (n == -1) {
            return null;
        }
        if (n < 0) {
            throw invalid(field + " has length " + n);
        }
        need(n, field);
        String s = buf.toString(buf.readerIndex(), n, StandardCharsets.UTF_8);
        buf.skipBytes(n);
        return s;
    }

    String readRequiredString(String field) {
        String s = readString(field);
        if (s == null || s.isEmpty()) {
            throw invalid(field + " is missing");
        }
        return s;
    }

    byte[] readBytes(String field) {
        int n = readInt(field);
        if (n == -1) {
            return null;
        }
        if (n < 0) {
            throw invalid(field + " has length " + n);
        }
        need(n, field);
        byte[] b = new byte[n];
        buf.readBytes(b);
        return b;
    }

    Headers readHeaders(String field) {
        int n = readCount(field + " count", 8);
        if (n == 0) {
            return Headers.empty();
        }
        List<Header> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] key = readBytes(field + " key");
            if (key == null) {
                throw invalid(field + " key is missing");
            }
            list.add(new Header(new String(key, StandardCharsets.UTF_8), readBytes(field + " value")));
        }
        return Headers.of(list);
    }

    List<String> readStrings(String field) {
        int n = readCount(field, 2);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readRequiredString(field));
        }
        return out;
    }

    TopicPartition readTopicPartition() {
        String topic = readRequiredString("topic");
        int p = readInt("partition");
        if (p < 0) {
            throw invalid("partition " + p);
        }
        return new TopicPartition(topic, p);
    }

    List<TopicPartition> readTopicPartitions() {
        int n = readCount("partitions", 7);
        List<TopicPartition> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readTopicPartition());
        }
        return out;
    }

    /** The body, positioned at the next value: for a codec that reads a run of values in place. */
    ByteBuf buffer() {
        return buf;
    }

    /** Fails when bytes are left over: a frame must be exactly its payload. */
    void end() {
        if (buf.isReadable()) {
            throw invalid(buf.readableBytes() + " bytes left over after the payload");
        }
    }
}
