package io.sluice.transport.netty.internal;

import io.netty.channel.ChannelOption;
import io.sluice.transport.netty.ClientOptions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;

/**
 * Opens TCP connections to the node (address, connect timeout, no Nagle, TLS when the options have it) and spaces
 * the attempts after a loss: {@code reconnectMin}, doubled after each attempt that did not lead to a ready
 * connection, at most {@code reconnectMax}, each wait drawn at random from its upper half (jitter: clients that lost
 * one node together do not come back in step). A ready connection ({@link #ready}) starts the count again, unless
 * the connection before it ended in a protocol error ({@link #lost}): a node that refuses what this client sends
 * on every connection is retried with growing waits, not in a loop. One reconnect runs at a time, so the attempt
 * count needs no lock.
 */
final class Dialer {
    private final ClientOptions options;
    private final TcpClient tcp;
    private volatile int attempts; // reconnect attempts since the last ready connection that did not follow a protocol error
    private volatile boolean penalized; // the last connection ended in a protocol error

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
        Schedulers.parallel().schedule(dial, nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    /** The wait before the next attempt: within the upper half of {@code min * 2^attempts}, at most {@code max}. */
    long nextDelayMillis() {
        long min = options.reconnectMin().toMillis();
        long ceiling = Math.min(options.reconnectMax().toMillis(), min << Math.min(20, attempts++));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
    }

    /** A connection is ready: the next loss waits {@code reconnectMin} again, unless the one before ended in a protocol error. */
    void ready() {
        if (!penalized) {
            attempts = 0;
        }
    }

    /** A connection was lost; {@code protocolError}: the node closed it after refusing something this client sent. */
    void lost(boolean protocolError) {
        penalized = protocolError;
    }
}
