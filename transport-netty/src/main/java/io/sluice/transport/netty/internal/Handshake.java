package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.errors.DisconnectedException;
import reactor.netty.Connection;

/**
 * The handshake on a new connection, as two requests: {@link Frames#HELLO} (version, token, client id) answered by
 * {@link Frames#HELLO_OK} (whose node's maximum frame size bounds the client's batches from then on), then
 * {@link Frames#METADATA} answered by the topic list, after which the connection is ready. A refusal (a wrong token
 * or version) is final: reconnecting would not make it better. Losing the connection meanwhile fails only this
 * handshake; the client reconnects.
 */
final class Handshake extends Request {
    private final ClientConnection owner;
    private final Connection connection;

    private Handshake(ClientConnection owner, Connection connection, int id) {
        super(id);
        this.owner = owner;
        this.connection = connection;
    }

    /** Sends HELLO on {@code c}, the connection just made. */
    static void start(ClientConnection owner, Connection c, String token, String clientId) {
        Handshake hello = new Handshake(owner, c, owner.requests.nextId());
        owner.requests.add(hello);
        Outbound.of(c.channel()).write(HelloCodec.encodeHello(hello.id, Frames.VERSION, token, clientId));
    }

    @Override
    void answer(FrameReader r) {
        if (r.kind == Frames.HELLO_OK) {
            owner.nodeMaxFrameSize(HelloCodec.readHelloOk(r));
            Handshake metadata = new Handshake(owner, connection, owner.requests.nextId());
            owner.requests.add(metadata);
            Outbound.of(connection.channel()).write(Frames.empty(Frames.METADATA, metadata.id));
        } else if (r.kind == Frames.TOPICS) {
            owner.topics().replaceAll(AdminCodec.readTopics(r));
            owner.becomeReady(connection);
        } else {
            throw r.invalid("unexpected during the handshake");
        }
    }

    @Override
    void fail(Throwable e) {
        if (e instanceof DisconnectedException) {
            return; // the connection dropped during the handshake: reconnecting
        }
        owner.refused(connection, e);
    }

    @Override
    ByteBuf encode() {
        throw new IllegalStateException("handshakes are not sent again");
    }

    @Override
    boolean resendable() {
        return false;
    }

    @Override
    boolean diesWith(Connection c) {
        return connection == c; // written directly on its connection, never through the connection's send
    }
}
