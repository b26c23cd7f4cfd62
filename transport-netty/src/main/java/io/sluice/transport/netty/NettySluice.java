package io.sluice.transport.netty;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.Sluice;
import io.sluice.admin.Admin;
import io.sluice.check.Check;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.ClosedException;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.spi.AbstractConsumer;
import io.sluice.spi.ClosingCommits;
import io.sluice.spi.Producers;
import io.sluice.transport.netty.internal.ClientConnection;
import io.sluice.transport.netty.internal.RemoteAdmin;
import io.sluice.transport.netty.internal.RemoteConsumer;
import io.sluice.transport.netty.internal.RemoteTarget;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A {@link Sluice} on a remote node ({@link SluiceServer}), with the embedded engine's semantics: producers batch
 * here and send each batch once (resent after a reconnect, deduplicated by the node), consumers are group members
 * on the node and receive within the credits their demand and prefetch grant, and admin calls are requests.
 *
 * <pre>{@code
 * try (Sluice sluice = NettySluice.connect(ClientOptions.create().address("localhost", 7420))) {
 *     sluice.producer(ProducerOptions.create()).send(messages).blockLast();
 * }
 * }</pre>
 *
 * <p>The client keeps one connection, reconnecting with backoff when it drops. Sends in flight then are sent again;
 * consumers subscribe again and receive their group's unacknowledged records again (at least once); admin
 * requests in flight fail with {@link io.sluice.errors.DisconnectedException}.
 */
public final class NettySluice implements Sluice {
    private static final Logger log = Loggers.getLogger(NettySluice.class);
    private final ClientConnection connection;
    private final MeterRegistry registry;
    /** Closes producers' batches while no connection is ready; else they close on its event loop. */
    private final Scheduler sender;
    private final RemoteTarget target;
    private final RemoteAdmin admin;
    private final Producers producers;
    private volatile boolean closed;

    private NettySluice(ClientOptions options) {
        this.connection = new ClientConnection(options);
        this.registry = options.meterRegistry() != null ? options.meterRegistry() : new SimpleMeterRegistry();
        this.sender = Schedulers.newParallel("sluice-client-send", Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);
        this.target = new RemoteTarget(connection, sender, registry);
        this.producers = new Producers(target);
        this.admin = new RemoteAdmin(connection);
    }

    /**
     * Connects and shakes hands with the node (version, token), waiting for it: call it from your own thread.
     *
     * @throws io.sluice.errors.DisconnectedException naming the address when the node cannot be reached
     * @throws io.sluice.errors.UnauthorizedException when the node refuses the token
     */
    public static NettySluice connect(ClientOptions options) {
        Check.notNull("options", options);
        NettySluice s = new NettySluice(options);
        try {
            s.connection.start();
        } catch (RuntimeException e) {
            s.sender.dispose();
            throw e;
        }
        return s;
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public Producer producer(ProducerOptions options) {
        Check.notNull("options", options);
        ensureOpen();
        return producers.create(options);
    }

    @Override
    public Consumer consumer(ConsumerOptions options) {
        AbstractConsumer.requireTopics(options);
        ensureOpen();
        return new RemoteConsumer(connection, options, registry,
                () -> producer(ProducerOptions.create().clientId(options.clientId() + "-dlq")));
    }

    @Override
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** Connections made so far: 1, plus one per reconnect. */
    public long connections() {
        return connection.connections();
    }

    /** Closes the connection as a network failure would (the client reconnects): for tests. */
    void dropConnection() {
        connection.dropConnection();
    }

    /**
     * True while a connection to the node has shaken hands; false while the client is reconnecting (the node stopped,
     * or the network dropped) and after {@link #close()}. What a health check reports: it does not wait, so any thread
     * may ask.
     */
    public boolean isConnected() {
        return !closed && connection.isReady();
    }

    private void ensureOpen() {
        if (closed) {
            throw new ClosedException("the client of node " + connection.address() + " is closed");
        }
    }

    /**
     * Drains the sends in progress first, while the connection is open ({@link Producers#close}): each stops taking
     * records, its batches are sent and acknowledged by the node and their results emitted, then it ends with
     * {@link ClosedException} (waiting up to {@link Producers#DRAIN_TIMEOUT}; not at all on a non-blocking thread, after
     * which what is left fails). Then fails consumers in progress with {@link ClosedException} and closes the
     * connection. Before that, each consumer's subscription commits what it acknowledged, and this waits for the
     * node's answers (up to 10 s, or the request timeout if shorter; not at all on a non-blocking thread). Never
     * throws: a commit that fails is logged, and its records are delivered again.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ClosedException e = new ClosedException("the client of node " + connection.address() + " is closed");
        producers.close(e);
        commitSubscriptions();
        connection.close();
        sender.dispose();
    }

    private void commitSubscriptions() {
        ClosingCommits.await(connection.commitSubscriptions(), x -> log.warn(
                "The consumers of node {} could not commit before the client closed: {}", connection.address(), x.toString()));
    }
}
