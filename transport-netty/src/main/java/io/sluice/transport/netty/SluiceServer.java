package io.sluice.transport.netty;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sluice.Sluice;
import io.sluice.check.Check;
import io.sluice.metrics.SluiceMeters;
import io.sluice.spi.SendTarget;
import io.sluice.transport.netty.internal.FrameDecoder;
import io.sluice.transport.netty.internal.Frames;
import io.sluice.transport.netty.internal.Heartbeats;
import io.sluice.transport.netty.internal.ServerSession;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * A node: serves an embedded engine (memory or durable) to remote clients ({@link NettySluice}) over TCP,
 * optionally with TLS and token authentication. Each connection is served on its own event loop; a client that
 * sends garbage is answered with an error frame and loses only its own connection.
 *
 * <pre>{@code
 * try (Sluice engine = Sluice.embedded();
 *      SluiceServer server = SluiceServer.start(engine, ServerOptions.create().port(7420))) {
 *     server.onClose().block();
 * }
 * }</pre>
 *
 * <p>Closing the server closes every connection (their group members leave) but not the engine, which the caller owns.
 */
public final class SluiceServer implements AutoCloseable {
    private static final reactor.util.Logger LOG = reactor.util.Loggers.getLogger(SluiceServer.class);
    /** Connections open now, a gauge in the engine's registry. */
    public static final String CONNECTIONS = "sluice.transport.connections";
    /** Bytes written to connections and not yet sent (Netty's outbound buffers), a gauge: bounded by credits and windows. */
    public static final String OUTBOUND_BYTES = "sluice.transport.outbound.bytes";

    private final DisposableServer server;
    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();

    private SluiceServer(Sluice engine, ServerOptions options) {
        String nodeName = "sluice@" + options.host() + ":" + options.port();
        int heartbeatMillis = (int) Math.min(Integer.MAX_VALUE, options.heartbeat().toMillis());
        MeterRegistry registry = engine.meterRegistry();
        Gauge.builder(CONNECTIONS, sessions, Set::size).tag(SluiceMeters.TAG_NODE, nodeName).register(registry);
        Gauge.builder(OUTBOUND_BYTES, this, SluiceServer::outboundBytes).tag(SluiceMeters.TAG_NODE, nodeName).register(registry);
        TcpServer tcp = TcpServer.create().host(options.host()).port(options.port())
                .doOnConnection(c -> {
                    ServerSession session = new ServerSession(c.channel(), engine, options.tokens(), nodeName, heartbeatMillis,
                            options.maxFrameSize(), this::publishTopics);
                    sessions.add(session);
                    c.onDispose(() -> {
                        sessions.remove(session);
                        session.release();
                    });
                    c.addHandlerLast("sluice-frames", new FrameDecoder(options.maxFrameSize()))
                            .addHandlerLast(Heartbeats.IDLE, Heartbeats.idleHandler(options.heartbeat()))
                            .addHandlerLast(Heartbeats.HANDLER, Heartbeats.handler(() -> { }))
                            .addHandlerLast("sluice-writability", new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                                    session.writabilityChanged();
                                    ctx.fireChannelWritabilityChanged();
                                }
                            });
                    c.inbound().receive().subscribe(session::onFrame, e -> {
                        if (e instanceof reactor.netty.channel.AbortedException || e instanceof java.io.IOException) {
                            LOG.debug("The connection of {} ended: {}", c.channel().remoteAddress(), e.toString());
                        } else {
                            LOG.warn("Closing the connection of {} after an unexpected error", c.channel().remoteAddress(), e);
                        }
                        c.dispose();
                    }, c::dispose);
                })
                .handle((in, out) -> Mono.never());
        if (options.tls() != null) {
            tcp = tcp.secure(spec -> spec.sslContext(options.tls()));
        }
        this.server = tcp.bindNow(Duration.ofSeconds(30));
    }

    /**
     * Binds and starts serving {@code engine}; returns once the port is bound (call it from your own thread).
     *
     * @throws IllegalArgumentException when {@code engine} is not an embedded engine
     */
    public static SluiceServer start(Sluice engine, ServerOptions options) {
        Check.notNull("engine", engine);
        Check.notNull("options", options);
        if (!(engine instanceof SendTarget)) {
            throw new IllegalArgumentException("a SluiceServer serves an embedded engine (Sluice.embedded), not " + engine.getClass().getName());
        }
        return new SluiceServer(engine, options);
    }

    /** The port bound (the one chosen when the options said 0). */
    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    /** Bytes the node has written to its connections that the network has not taken yet. */
    public long outboundBytes() {
        long sum = 0;
        for (ServerSession s : sessions) {
            io.netty.channel.ChannelOutboundBuffer b = s.channel().unsafe().outboundBuffer();
            sum += b == null ? 0 : b.totalPendingWriteBytes();
        }
        return sum;
    }

    /** Connections open now. */
    public int connections() {
        return sessions.size();
    }

    /** Closes every client connection as a network failure would (clients reconnect): for tests. */
    void dropConnections() {
        sessions.forEach(s -> s.channel().close());
    }

    /** Completes once the server is closed. */
    public Mono<Void> onClose() {
        return server.onDispose();
    }

    /** Every client learns the topics after one was created or deleted, so its producers can route to it. */
    private void publishTopics() {
        sessions.forEach(s -> s.sendTopics(0));
    }

    /** Closes every connection and the listening socket; the engine stays open. */
    @Override
    public void close() {
        dropConnections(); // disposing the server only stops accepting
        server.disposeNow(Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return "SluiceServer[" + server.host() + ":" + server.port() + ", protocol v" + Frames.VERSION + "]";
    }
}
