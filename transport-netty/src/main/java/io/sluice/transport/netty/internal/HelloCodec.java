package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;

/**
 * The handshake's frames. {@link Frames#HELLO}: {@code version:int16 token:string clientId:string};
 * {@link Frames#HELLO_OK}: {@code version:int16 node:string heartbeatMillis:int32 maxFrameSize:int32}, the largest
 * frame the node takes (so the client fails a batch that could not fit before sending it).
 */
final class HelloCodec {
    private HelloCodec() {
    }

    /** What a client says in its HELLO. */
    record Hello(short version, String token, String clientId) {
    }

    static ByteBuf encodeHello(int stream, short version, String token, String clientId) {
        ByteBuf b = Frames.begin(Frames.HELLO, stream, 64);
        b.writeShort(version);
        FrameWriter.writeString(b, token);
        FrameWriter.writeString(b, clientId);
        return Frames.end(b);
    }

    static Hello readHello(FrameReader r) {
        short version = r.readShort("version");
        String token = r.readString("token");
        String clientId = r.readString("client id");
        r.end();
        return new Hello(version, token, clientId);
    }

    static ByteBuf encodeHelloOk(int stream, String nodeName, int heartbeatMillis, int maxFrameSize) {
        ByteBuf b = Frames.begin(Frames.HELLO_OK, stream, 32);
        b.writeShort(Frames.VERSION);
        FrameWriter.writeString(b, nodeName);
        b.writeInt(heartbeatMillis);
        b.writeInt(maxFrameSize);
        return Frames.end(b);
    }

    /**
     * Reads a HELLO_OK and returns the node's maximum frame size; the client needs no other field (it keeps its own
     * heartbeat interval). A maximum below a body header is invalid.
     */
    static int readHelloOk(FrameReader r) {
        r.readShort("version");
        r.readString("node");
        r.readInt("heartbeat");
        int maxFrameSize = r.readInt("max frame size");
        r.end();
        if (maxFrameSize < Frames.BODY_HEADER) {
            throw r.invalid("max frame size " + maxFrameSize + " is below the " + Frames.BODY_HEADER + "-byte body header");
        }
        return maxFrameSize;
    }
}
