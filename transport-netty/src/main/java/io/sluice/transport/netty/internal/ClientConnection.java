package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.errors.ClosedException;
import io.sluice.errors.DisconnectedException;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.spi.SendTarget;
import io.sluice.transport.netty.ClientOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The client's one connection to its node, kept up: it connects, shakes hands ({@link Handshake}: it learns the
 * node's maximum frame size, which bounds the producers' batches), and when the connection drops it reconnects with
 * backoff ({@link Dialer}; growing while the node closes connections for protocol errors), sends again every produce
 * request not yet answered (the node drops the copies it already appended, by producer id and sequence; a request the
 * node answered with an error is not sent again) and subscribes again. Admin requests
 * in flight on a dropped connection fail with {@link DisconnectedException} (they may have taken effect). Requests
 * are matched to answers by stream id ({@link InFlightRequests}); frames on a subscription's stream go to it.
 */
public final class ClientConnection {
    private static final Logger log = Loggers.getLogger(ClientConnection.class);

    private final ClientOptions options;
    private final String address;
    private final Dialer dialer;
    final InFlightRequests requests;
    private final KnownTopics topics = new KnownTopics();
    private final Map<Integer, ClientSubscription> subscriptions = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> firstReady = new CompletableFuture<>();
    /** Serializes writes of requests with the switch to a new connection, so resends go before new requests. */
    private final Object writeLock = new Object();
    /** The connection that has shaken hands; null while (re)connecting. */
    private volatile Connection ready;
    /** The connection shaking hands now. */
    private volatile Connection connecting;
    private volatile boolean closed;
    private volatile Throwable fatal;
    private volatile long connections;
    /** The largest frame the node takes, from the last handshake; no limit until the first. */
    private volatile int nodeMaxFrameSize = Integer.MAX_VALUE;
    /** The connection the node sent a protocol error on, after which it closes it. */
    private volatile Connection protocolError;

    public ClientConnection(ClientOptions options) {
        this.options = options;
        this.address = options.host() + ":" + options.port();
        this.dialer = new Dialer(options);
        this.requests = new InFlightRequests(options, address, () -> ready != null);
    }

    /** Connects and waits for the handshake; throws naming the address when that fails. Call from your own thread. */
    public void start() {
        connect();
        try {
            firstReady.get(options.connectTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re && !(cause instanceof DisconnectedException)) {
                throw re;
            }
            throw new DisconnectedException("cannot connect to node " + address + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            close();
            throw new DisconnectedException("cannot connect to node " + address + ": no handshake within " + options.connectTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new DisconnectedException("interrupted while connecting to node " + address, e);
        }
    }

    public String address() {
        return address;
    }

    /** Connections made so far (1 + reconnects). */
    public long connections() {
        return connections;
    }

    /** True while a connection has shaken hands (and not been lost). */
    public boolean isReady() {
        return ready != null;
    }

    /** The largest frame the node takes, as its last handshake said. */
    public int nodeMaxFrameSize() {
        return nodeMaxFrameSize;
    }

    void nodeMaxFrameSize(int bytes) {
        nodeMaxFrameSize = bytes;
    }

    // ---- the connection's life ----

    private void connect() {
        if (closed) {
            return;
        }
        dialer.dial(this::connected, e -> {
            if (!firstReady.isDone()) {
                firstReady.completeExceptionally(e);
            } else {
                log.debug("Reconnecting to {} failed: {}", address, e.toString());
                scheduleReconnect();
            }
        });
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        dialer.dialLater(this::connect);
    }

    private void connected(Connection c) {
        if (closed) {
            c.dispose();
            return;
        }
        connecting = c;
        connections++;
        c.addHandlerLast("sluice-frames", new FrameDecoder(options.maxFrameSize()))
                .addHandlerLast(Heartbeats.IDLE, Heartbeats.idleHandler(options.heartbeat()))
                .addHandlerLast(Heartbeats.HANDLER, Heartbeats.handler(() -> log.warn("Node {} went silent; reconnecting", address)));
        c.onDispose(() -> disconnected(c));
        c.inbound().receive().subscribe(body -> onFrame(c, body), e -> {
            log.warn("The connection to node {} failed", address, e);
            c.dispose();
        }, c::dispose);
        Handshake.start(this, c, options.token(), options.clientId());
    }

    /** The handshake on {@code c} is done: send the unanswered requests again, then resubscribe. */
    void becomeReady(Connection c) {
        List<Request> again;
        synchronized (writeLock) {
            if (connecting != c || closed) {
                return;
            }
            again = requests.resend(c);
            Outbound out = Outbound.of(c.channel());
            for (Request r : again) {
                out.write(r.encode());
            }
            ready = c;
            connecting = null;
            dialer.ready();
        }
        if (connections > 1) {
            log.info("Reconnected to node {}; sent {} unanswered requests again", address, again.size());
        }
        subscriptions.values().forEach(s -> s.connected(c));
        firstReady.complete(null);
    }

    /** The node refused the handshake on {@code c}: the client stops, failing everything. */
    void refused(Connection c, Throwable e) {
        fatal = e;
        if (!firstReady.isDone()) {
            firstReady.completeExceptionally(e);
        } else {
            log.error("Node {} refused the connection; the client stops: {}", address, e.getMessage());
            failEverything(e);
        }
        c.dispose();
    }

    private void disconnected(Connection c) {
        synchronized (writeLock) {
            if (c != ready && c != connecting) {
                return;
            }
            ready = null;
            connecting = null;
        }
        DisconnectedException e = new DisconnectedException("the connection to node " + address + " was lost", null);
        requests.connectionLost(c, e);
        subscriptions.values().forEach(s -> s.disconnected(c));
        if (!closed && fatal == null && firstReady.isDone()) {
            boolean afterProtocolError = protocolError == c;
            log.warn("Lost the connection to node {}{}; reconnecting", address, afterProtocolError ? " after a protocol error" : "");
            dialer.lost(afterProtocolError);
            scheduleReconnect();
        } else if (!firstReady.isDone()) {
            firstReady.completeExceptionally(e);
        }
    }

    // ---- inbound ----

    private void onFrame(Connection c, ByteBuf body) {
        if (c != ready && c != connecting) {
            return; // a connection being replaced
        }
        FrameReader r;
        try {
            r = new FrameReader(body);
            switch (r.kind) {
                case Frames.HEARTBEAT -> {
                }
                case Frames.DELIVER, Frames.REBALANCE -> {
                    ClientSubscription s = subscriptions.get(r.stream);
                    if (s != null) {
                        s.onFrame(c, r);
                    }
                }
                case Frames.TOPICS -> {
                    if (r.stream == 0) {
                        topics.replaceAll(AdminCodec.readTopics(r));
                    } else {
                        requests.answer(r);
                    }
                }
                case Frames.ERROR -> {
                    if (r.stream == 0) {
                        RuntimeException e = ErrorCodec.read(r);
                        log.warn("Node {} closes the connection: {} {}", address, ErrorCode.of(e), e.getMessage());
                        protocolError = c;
                        c.dispose();
                        return;
                    }
                    // read once more from the start: a protocol error on a request's stream closes the connection too
                    if (ErrorCodec.read(new FrameReader(body.duplicate().readerIndex(0))) instanceof ProtocolException) {
                        protocolError = c;
                    }
                    if (requests.contains(r.stream)) {
                        requests.answer(r);
                    } else {
                        ClientSubscription s = subscriptions.get(r.stream);
                        if (s != null) {
                            s.onFrame(c, r);
                        }
                    }
                }
                default -> requests.answer(r);
            }
        } catch (RuntimeException e) {
            log.warn("Closing the connection to node {}: {}", address, e.toString());
            c.dispose();
        }
    }

    // ---- requests ----

    int nextId() {
        return requests.nextId();
    }

    private void send(Request r) {
        Throwable f = fatal;
        if (closed || f != null) {
            r.fail(f != null ? f : new ClosedException("the client of node " + address + " is closed"));
            return;
        }
        synchronized (writeLock) {
            requests.add(r);
            Connection c = ready;
            if (c != null) {
                r.sentOn = c;
                Outbound.of(c.channel()).write(r.encode());
            }
        }
    }

    /** An admin request answered by {@code answerKind}, read by {@code read}; times out after the request timeout. */
    <T> Mono<T> request(byte kind, Consumer<ByteBuf> payload, byte answerKind, Function<FrameReader, T> read) {
        return Mono.<T>create(sink -> {
            AdminRequest<T> req = new AdminRequest<>(requests.nextId(), kind, payload, answerKind, read, sink);
            sink.onDispose(() -> requests.forget(req));
            // what this thread acknowledged before the request reaches the node before it (as in the embedded engine)
            subscriptions.values().forEach(ClientSubscription::flushAcks);
            send(req);
        }).timeout(options.requestTimeout(), Mono.error(() -> new DisconnectedException("node " + address + " did not answer a "
                + Frames.kindName(kind) + " request within " + options.requestTimeout(), null)));
    }

    /** Appends a batch on the node; resent after a reconnect until answered. */
    public void produce(String topic, int partition, Acks acks, RecordBatch batch, SendTarget.AppendCallback callback) {
        send(new ProduceRequest(requests.nextId(), topic, partition, acks, batch, callback));
    }

    // ---- subscriptions ----

    void register(ClientSubscription s) {
        subscriptions.put(s.id, s);
        Connection c = ready;
        if (c != null) {
            s.connected(c);
        }
        Throwable f = fatal;
        if (closed || f != null) {
            s.fail(f != null ? f : new ClosedException("the client of node " + address + " is closed"));
        }
    }

    void unregister(ClientSubscription s) {
        subscriptions.remove(s.id, s);
    }

    /**
     * Before the client closes: every subscription writes its acknowledgements and commits them; completes once the
     * node has answered each commit. Acknowledgements after this are ignored.
     */
    public Mono<Void> commitSubscriptions() {
        return Mono.whenDelayError(subscriptions.values().stream().map(ClientSubscription::closing).toList());
    }

    /**
     * Runs {@code task} on the ready connection's event loop, where the frames it writes leave in the same turn; hands
     * it to {@code otherwise} while no connection is ready or when that loop no longer takes tasks.
     */
    void execute(Runnable task, Consumer<Runnable> otherwise) {
        Connection c = ready;
        if (c != null) {
            try {
                c.channel().eventLoop().execute(task);
                return;
            } catch (RejectedExecutionException shutDown) {
                // the client's loops are stopping: the task runs elsewhere
            }
        }
        otherwise.accept(task);
    }

    /** Writes a frame on {@code c} if it is still the ready connection; else drops it. */
    void write(Connection c, ByteBuf frame) {
        if (c == ready) {
            Outbound.of(c.channel()).write(frame);
        } else {
            frame.release();
        }
    }

    /** Topic specs as the node last told them. */
    KnownTopics topics() {
        return topics;
    }

    /** Null while usable; else why not. */
    public Throwable closedError() {
        Throwable f = fatal;
        return f != null ? f : closed ? new ClosedException("the client of node " + address + " is closed") : null;
    }

    private void failEverything(Throwable e) {
        requests.failAll(e);
        subscriptions.values().forEach(s -> s.fail(e));
    }

    /** Closes the current connection as a network failure would; the client reconnects. For tests and operators. */
    public void dropConnection() {
        Connection c = ready;
        if (c != null) {
            c.channel().close();
        }
    }

    /** Fails what is pending, closes the connection and stops reconnecting. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        requests.close();
        Connection c = ready != null ? ready : connecting;
        failEverything(new ClosedException("the client of node " + address + " is closed"));
        if (c != null) {
            c.dispose();
        }
    }
}
