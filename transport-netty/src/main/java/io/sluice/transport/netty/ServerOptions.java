package io.sluice.transport.netty;

import io.netty.handler.ssl.SslContext;
import io.sluice.check.Check;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a {@link SluiceServer} listens and how it guards its connections. Immutable: every setter returns a copy.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>what it trades</th></tr>
 * <tr><td>{@link #host}/{@link #port}</td><td>127.0.0.1 / 7420</td><td>port 0 takes a free one ({@link SluiceServer#port()})</td></tr>
 * <tr><td>{@link #maxFrameSize}</td><td>16 MiB</td><td>the largest frame (so batch) a client may send; checked before allocating, and told to
 * clients in the handshake, whose producers then fail a record too large for it with {@code RecordTooLargeException}</td></tr>
 * <tr><td>{@link #tls}</td><td>none</td><td>encryption and the server's identity, for CPU</td></tr>
 * <tr><td>{@link #token}</td><td>none: every client may do everything</td><td>who may read, write, administer</td></tr>
 * <tr><td>{@link #heartbeat}</td><td>5 s</td><td>a silent peer is dropped after 3 intervals: faster detection vs. spurious drops</td></tr>
 * </table>
 */
public final class ServerOptions {
    /** The port nodes listen on by default. */
    public static final int DEFAULT_PORT = 7420;

    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int maxFrameSize = 16 * 1024 * 1024;
    private SslContext tls;
    private Map<String, Access> tokens = Map.of();
    private Duration heartbeat = Duration.ofSeconds(5);

    private ServerOptions() {
    }

    private ServerOptions(ServerOptions o) {
        this.host = o.host;
        this.port = o.port;
        this.maxFrameSize = o.maxFrameSize;
        this.tls = o.tls;
        this.tokens = o.tokens;
        this.heartbeat = o.heartbeat;
    }

    public static ServerOptions create() {
        return new ServerOptions();
    }

    public ServerOptions host(String host) {
        ServerOptions c = new ServerOptions(this);
        c.host = Check.notBlank("host", host);
        return c;
    }

    /** The TCP port, 0 for any free one. */
    public ServerOptions port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535, was " + port);
        }
        ServerOptions c = new ServerOptions(this);
        c.port = port;
        return c;
    }

    /** The largest frame a client may send, in bytes (at least 1 KiB). */
    public ServerOptions maxFrameSize(int bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("maxFrameSize must be at least 1024 bytes, was " + bytes);
        }
        ServerOptions c = new ServerOptions(this);
        c.maxFrameSize = bytes;
        return c;
    }

    /** Serves TLS with this server context (Netty's {@code SslContextBuilder.forServer(...)}). */
    public ServerOptions tls(SslContext serverContext) {
        Check.notNull("tls", serverContext);
        if (!serverContext.isServer()) {
            throw new IllegalArgumentException("tls must be a server context (SslContextBuilder.forServer), was a client context");
        }
        ServerOptions c = new ServerOptions(this);
        c.tls = serverContext;
        return c;
    }

    /**
     * Requires clients to present a token, and lets {@code token} do what {@code access} says. With at least one
     * token, a client without a known token is refused ({@code UNAUTHORIZED}); without any, every client may do
     * everything.
     */
    public ServerOptions token(String token, Access access) {
        Check.notBlank("token", token);
        Check.notNull("access", access);
        ServerOptions c = new ServerOptions(this);
        Map<String, Access> t = new HashMap<>(tokens);
        t.put(token, access);
        c.tokens = Map.copyOf(t);
        return c;
    }

    /** How often an idle connection sends a heartbeat; a peer silent for three intervals is dropped. */
    public ServerOptions heartbeat(Duration interval) {
        Check.notNull("heartbeat", interval);
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException("heartbeat must be at least 10 ms, was " + interval);
        }
        ServerOptions c = new ServerOptions(this);
        c.heartbeat = interval;
        return c;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** The TLS context, or null for plain TCP. */
    public SslContext tls() {
        return tls;
    }

    /** Tokens and what each may do; empty: no authentication. */
    public Map<String, Access> tokens() {
        return tokens;
    }

    public Duration heartbeat() {
        return heartbeat;
    }
}
