package io.sluice.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.Sluice;
import io.sluice.log.LogStore;
import io.sluice.spi.SendTarget;
import io.sluice.store.r2dbc.StoreSpec;
import io.sluice.transport.netty.SluiceServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;

/**
 * A started node ({@link SluiceNode#start()}): its engine and store, the TCP server clients connect to, and the
 * optional HTTP server of {@code /metrics} and {@code /health}. {@link #close()} stops it in order: the TCP server
 * (every connection closes, their group members leave), the HTTP server, then the engine, which closes the store.
 */
public final class RunningNode implements AutoCloseable {
    /** How long {@code /health} waits for the store to answer before it says DOWN. */
    static final Duration STORE_PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final String name;
    private final StoreSpec storeSpec;
    private final LogStore store;
    private final Sluice engine;
    private final PrometheusMeterRegistry registry;
    private final SluiceServer server;
    private final DisposableServer http;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Sinks.Empty<Void> onClose = Sinks.empty();

    RunningNode(String name, StoreSpec storeSpec, LogStore store, Sluice engine, PrometheusMeterRegistry registry,
            SluiceServer server, DisposableServer http) {
        this.name = name;
        this.storeSpec = storeSpec;
        this.store = store;
        this.engine = engine;
        this.registry = registry;
        this.server = server;
        this.http = http;
    }

    /** The node's name ({@code --name}): the engine's name, the {@code node} tag of its meters. */
    public String name() {
        return name;
    }

    /** The host the TCP server is bound to. */
    public String host() {
        return server.host();
    }

    /** The TCP port bound (the one chosen when {@code --port 0}). */
    public int port() {
        return server.port();
    }

    /** The HTTP port bound, or -1 when the node has no HTTP port. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The engine this node serves (to use it in process too). */
    public Sluice engine() {
        return engine;
    }

    /** Connections open now. */
    public int connections() {
        return server.connections();
    }

    /**
     * The line printed once the node is up, for a parent process to read the ports from:
     * {@code sluice-node listening on 127.0.0.1:7420 http 127.0.0.1:9420} ({@code http off} without an HTTP port).
     */
    public String listeningLine() {
        return "sluice-node listening on " + address(server.host(), server.port())
                + (http == null ? " http off" : " http " + address(http.host(), http.port()));
    }

    private static String address(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * UP while the engine is open and the store answers a read within {@link #STORE_PROBE_TIMEOUT}; DOWN with
     * the reason otherwise. Never errors.
     */
    Mono<HttpEndpoints.Health> health() {
        Throwable closedError = engine instanceof SendTarget t ? t.closedError() : null;
        if (closed.get() || closedError != null) {
            return Mono.just(health(closedError == null ? "node is closed" : closedError.getMessage()));
        }
        if (storeSpec.kind() == StoreSpec.Kind.MEMORY) {
            return Mono.just(health(null));
        }
        return store.topics().then(Mono.fromSupplier(() -> health(null)))
                .timeout(STORE_PROBE_TIMEOUT)
                .onErrorResume(e -> Mono.just(health("store: " + (e.getMessage() == null ? e.toString() : e.getMessage()))));
    }

    private HttpEndpoints.Health health(String error) {
        return new HttpEndpoints.Health(name, storeSpec.toString(), server.connections(), error);
    }

    /** Completes once the node is closed. */
    public Mono<Void> onClose() {
        return onClose.asMono();
    }

    /**
     * Closes the TCP server, the HTTP server, then the engine and its store; waits for each (call it from your own
     * thread, e.g. a shutdown hook). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            try {
                if (http != null) {
                    http.disposeNow(Duration.ofSeconds(10));
                }
            } finally {
                try {
                    engine.close();
                } finally {
                    registry.close();
                    onClose.tryEmitEmpty();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RunningNode[" + name + ", " + listeningLine() + ", store " + storeSpec + "]";
    }
}
