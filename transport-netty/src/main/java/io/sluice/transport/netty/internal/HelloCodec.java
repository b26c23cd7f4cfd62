package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;

/**
 * The handshake's frames. {@link Frames#HELLO}: {@code version:int16 token:string clientId:string};
 * {@link Frames#HELLO_OK}: {@code version:int16 node:string heartbeatMillis:int32}.
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

    static ByteBuf encodeHelloOk(int stream, String nodeName, int heartbeatMillis) {
        ByteBuf b = Frames.begin(Frames.HELLO_OK, stream, 32);
        b.writeShort(Frames.VERSION);
        FrameWriter.writeString(b, nodeName);
        b.writeInt(heartbeatMillis);
        return Frames.end(b);
    }

    /** Checks a HELLO_OK's fields; the client needs none of them (it keeps its own heartbeat interval). */
    static void readHelloOk(FrameReader r) {
        r.readShort("version");
        r.readString("node");
        r.readInt("heartbeat");
    }
}
