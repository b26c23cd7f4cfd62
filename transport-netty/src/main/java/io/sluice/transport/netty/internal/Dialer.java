package io.sluice.transport.netty.internal;

import io.netty.channel.ChannelOption;
import io.sluice.transport.netty.ClientOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;

/**
 * Opens TCP connections to the node (address, connect timeout, no Nagle, TLS when the options have it) and spaces
 * the attempts after a loss: {@code reconnectMin}, doubled after each attempt that did not lead to a ready
 * connection, at most {@code reconnectMax}; {@link #reset} once a connection is ready. One reconnect runs at a
 * time, so the attempt count needs no lock.
 */
final class Dialer {
    private final ClientOptions options;
    private final TcpClient tcp;
    private int attempts; // reconnect attempts since the last success

    Dialer(ClientOptions options) {
        this.options = options;
        TcpClient c = TcpClient.create().host(options.host()).port(options.port())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true);
        if (options.tls() != null) {
            c = c.secure(spec -> spec.sslContext(options.tls()));
        }
        this.tcp = c;
    }

    /** Connects now; {@code connected} or {@code failed} hears how it went. */
    void dial(Consumer<Connection> connected, Consumer<Throwable> failed) {
        tcp.connect().subscribe(connected, failed);
    }

    /** Runs {@code dial} after the backoff delay of this attempt. */
    void dialLater(Runnable dial) {
        long min = options.reconnectMin().toMillis();
        long delay = Math.min(options.reconnectMax().toMillis(), min << Math.min(20, attempts++));
        Schedulers.parallel().schedule(dial, delay, TimeUnit.MILLISECONDS);
    }

    /** A connection is ready: the next loss waits {@code reconnectMin} again. */
    void reset() {
        attempts = 0;
    }
}
