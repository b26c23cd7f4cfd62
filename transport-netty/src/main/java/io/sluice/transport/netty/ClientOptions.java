package io.sluice.transport.netty;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.sluice.check.Check;
import java.time.Duration;

/**
 * How a {@link NettySluice} reaches its node. Immutable: every setter returns a copy.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>what it trades</th></tr>
 * <tr><td>{@link #address}</td><td>127.0.0.1:7420</td><td></td></tr>
 * <tr><td>{@link #token}</td><td>none</td><td>needed when the node has tokens</td></tr>
 * <tr><td>{@link #tls}</td><td>plain TCP</td><td>encryption and the node's identity, for CPU</td></tr>
 * <tr><td>{@link #connectTimeout}</td><td>10 s</td><td>how long {@code connect} and each reconnect attempt wait</td></tr>
 * <tr><td>{@link #requestTimeout}</td><td>30 s</td><td>how long an admin request waits for its answer (reconnects included)</td></tr>
 * <tr><td>{@link #deliveryTimeout}</td><td>2 min</td><td>how long a batch may wait for the node's acknowledgement (reconnects and a full topic holding it under BACKPRESSURE
 * included), before its send fails with {@code DisconnectedException} (Kafka's {@code delivery.timeout.ms})</td></tr>
 * <tr><td>{@link #reconnectBackoff}</td><td>100 ms .. 1 s</td><td>the wait between reconnect attempts, doubling up to the maximum, each drawn
 * from the upper half of its range (jitter): how soon a node that is back is found, vs. attempts against one that is not. It restarts from the
 * minimum once a connection is ready, except after the node closed one for a protocol error</td></tr>
 * <tr><td>{@link #heartbeat}</td><td>5 s</td><td>a silent node is dropped (and reconnected) after 3 intervals</td></tr>
 * <tr><td>{@link #maxFrameSize}</td><td>16 MiB</td><td>the largest frame the node may send (the largest this client may send is the
 * node's own {@code maxFrameSize}, told in the handshake: a record too large for it fails its send with {@code RecordTooLargeException})</td></tr>
 * </table>
 */
public final class ClientOptions {
    private String host = "127.0.0.1";
    private int port = ServerOptions.DEFAULT_PORT;
    private String token;
    private SslContext tls;
    private String clientId = "sluice-client";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration deliveryTimeout = Duration.ofMinutes(2);
    private Duration reconnectMin = Duration.ofMillis(100);
    private Duration reconnectMax = Duration.ofSeconds(1);
    private Duration heartbeat = Duration.ofSeconds(5);
    private int maxFrameSize = 16 * 1024 * 1024;
    private MeterRegistry meterRegistry;

    private ClientOptions() {
    }

    private ClientOptions(ClientOptions o) {
        this.host = o.host;
        this.port = o.port;
        this.token = o.token;
        this.tls = o.tls;
        this.clientId = o.clientId;
        this.connectTimeout = o.connectTimeout;
        this.requestTimeout = o.requestTimeout;
        this.deliveryTimeout = o.deliveryTimeout;
        this.reconnectMin = o.reconnectMin;
        this.reconnectMax = o.reconnectMax;
        this.heartbeat = o.heartbeat;
        this.maxFrameSize = o.maxFrameSize;
        this.meterRegistry = o.meterRegistry;
    }

    public static ClientOptions create() {
        return new ClientOptions();
    }

    public ClientOptions address(String host, int port) {
        Check.notBlank("host", host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be within 1..65535, was " + port);
        }
        ClientOptions c = new ClientOptions(this);
        c.host = host;
        c.port = port;
        return c;
    }

    /** The token the node knows this client by. */
    public ClientOptions token(String token) {
        ClientOptions c = new ClientOptions(this);
        c.token = Check.notBlank("token", token);
        return c;
    }

    /** Connects with TLS, trusting what this client context trusts (Netty's {@code SslContextBuilder.forClient()}). */
    public ClientOptions tls(SslContext clientContext) {
        Check.notNull("tls", clientContext);
        if (!clientContext.isClient()) {
            throw new IllegalArgumentException("tls must be a client context (SslContextBuilder.forClient), was a server context");
        }
        ClientOptions c = new ClientOptions(this);
        c.tls = clientContext;
        return c;
    }

    public ClientOptions clientId(String clientId) {
        ClientOptions c = new ClientOptions(this);
        c.clientId = Check.notBlank("clientId", clientId);
        return c;
    }

    public ClientOptions connectTimeout(Duration timeout) {
        ClientOptions c = new ClientOptions(this);
        c.connectTimeout = positive("connectTimeout", timeout);
        return c;
    }

    public ClientOptions requestTimeout(Duration timeout) {
        ClientOptions c = new ClientOptions(this);
        c.requestTimeout = positive("requestTimeout", timeout);
        return c;
    }

    /**
     * How long a batch may wait for its acknowledgement (reconnects, a full topic and a node's store being repaired
     * included) before its send fails with {@code DisconnectedException}, whose outcome is unknown: the node may
     * store the batch after all ({@code SluiceException.isOutcomeUnknown()}).
     */
    public ClientOptions deliveryTimeout(Duration timeout) {
        ClientOptions c = new ClientOptions(this);
        c.deliveryTimeout = positive("deliveryTimeout", timeout);
        return c;
    }

    /**
     * Waits between reconnect attempts: {@code min}, doubling up to {@code max}, each wait drawn at random from the
     * upper half of its range (so at most {@code max}); by default 100 ms .. 1 s.
     */
    public ClientOptions reconnectBackoff(Duration min, Duration max) {
        positive("min", min);
        positive("max", max);
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("reconnectBackoff max (" + max + ") must not be below min (" + min + ")");
        }
        ClientOptions c = new ClientOptions(this);
        c.reconnectMin = min;
        c.reconnectMax = max;
        return c;
    }

    public ClientOptions heartbeat(Duration interval) {
        positive("heartbeat", interval);
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException("heartbeat must be at least 10 ms, was " + interval);
        }
        ClientOptions c = new ClientOptions(this);
        c.heartbeat = interval;
        return c;
    }

    public ClientOptions maxFrameSize(int bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("maxFrameSize must be at least 1024 bytes, was " + bytes);
        }
        ClientOptions c = new ClientOptions(this);
        c.maxFrameSize = bytes;
        return c;
    }

    /** Where the client's meters go (by default a registry of its own). */
    public ClientOptions meterRegistry(MeterRegistry registry) {
        ClientOptions c = new ClientOptions(this);
        c.meterRegistry = Check.notNull("meterRegistry", registry);
        return c;
    }

    private static Duration positive(String name, Duration d) {
        Check.notNull(name, d);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String token() {
        return token;
    }

    public SslContext tls() {
        return tls;
    }

    public String clientId() {
        return clientId;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    public Duration reconnectMin() {
        return reconnectMin;
    }

    public Duration reconnectMax() {
        return reconnectMax;
    }

    public Duration heartbeat() {
        return heartbeat;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** The registry given, or null for one of the client's own. */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }
}
