package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.ClosedException;
import io.sluice.errors.DisconnectedException;
import io.sluice.errors.ErrorCode;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.spi.SendTarget;
import io.sluice.transport.netty.ClientOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The client's one connection to its node, kept up: it connects, shakes hands ({@link Frames#HELLO}, then the
 * topic list), and when the connection drops it reconnects with backoff, sends again every produce request not yet
 * answered (the node drops the copies it already appended, by producer id and sequence) and subscribes again.
 * Admin requests in flight on a dropped connection fail with {@link DisconnectedException} (they may have taken
 * effect). Requests are matched to answers by stream id.
 */
public final class ClientConnection {
    private static final Logger log = Loggers.getLogger(ClientConnection.class);

    private final ClientOptions options;
    private final String address;
    private final TcpClient tcp;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Request> pending = new ConcurrentHashMap<>();
    private final Map<Integer, ClientSubscription> subscriptions = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> firstReady = new CompletableFuture<>();
    /** Serializes writes of requests with the switch to a new connection, so resends go before new requests. */
    private final Object writeLock = new Object();
    /** The connection that has shaken hands; null while (re)connecting. */
    private volatile Connection ready;
    /** The connection shaking hands now. */
    private volatile Connection connecting;
    private volatile Map<String, TopicSpec> topics = Map.of();
    private volatile boolean closed;
    private volatile Throwable fatal;
    private int attempts; // reconnect attempts since the last success; one reconnect runs at a time
    private volatile long connections;
    /** Fails produce requests older than the delivery timeout, once a second. */
    private final reactor.core.Disposable deliveryTimer;

    public ClientConnection(ClientOptions options) {
        this.options = options;
        this.address = options.host() + ":" + options.port();
        TcpClient c = TcpClient.create().host(options.host()).port(options.port())
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(io.netty.channel.ChannelOption.TCP_NODELAY, true);
        if (options.tls() != null) {
            c = c.secure(spec -> spec.sslContext(options.tls()));
        }
        this.tcp = c;
        long sweepMillis = Math.min(1_000, Math.max(10, options.deliveryTimeout().toMillis() / 4));
        this.deliveryTimer = Schedulers.parallel().schedulePeriodically(this::expireDeliveries, sweepMillis, sweepMillis,
                TimeUnit.MILLISECONDS);
    }

    private void expireDeliveries() {
        long now = System.nanoTime();
        long timeout = options.deliveryTimeout().toNanos();
        for (Request r : pending.values()) {
            if (r instanceof ProduceRequest p && now - p.createdAt > timeout && pending.remove(r.id, r)) {
                r.fail(new DisconnectedException("node " + address + " did not acknowledge the batch of " + p.topic + "-" + p.partition
                        + " within the delivery timeout of " + options.deliveryTimeout() + (ready == null ? " (not connected)" : ""), null));
            }
        }
    }

    /** Connects and waits for the handshake; throws naming the address when that fails. Call from your own thread. */
    public void start() {
        connect();
        try {
            firstReady.get(options.connectTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re && !(cause instanceof DisconnectedException)) {
                throw re;
            }
            throw new DisconnectedException("cannot connect to node " + address + ": " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
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

    private void connect() {
        if (closed) {
            return;
        }
        tcp.connect().subscribe(this::connected, e -> {
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
        long min = options.reconnectMin().toMillis();
        long delay = Math.min(options.reconnectMax().toMillis(), min << Math.min(20, attempts++));
        Schedulers.parallel().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
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
        // the handshake: HELLO, then the topics, then the connection is ready
        int helloId = nextId();
        pending.put(helloId, new Handshake(helloId, c));
        Outbound.of(c.channel()).write(HelloCodec.encodeHello(helloId, Frames.VERSION, options.token(), options.clientId()));
    }

    /** The handshake's steps: HELLO_OK, then the topic list; a refusal (token, version) is final. */
    private final class Handshake extends Request {
        final Connection connection;

        Handshake(int id, Connection connection) {
            super(id);
            this.connection = connection;
        }

        @Override
        void answer(FrameReader r) {
            if (r.kind == Frames.HELLO_OK) {
                HelloCodec.readHelloOk(r);
                int metadataId = nextId();
                pending.put(metadataId, new Handshake(metadataId, connection));
                Outbound.of(connection.channel()).write(Frames.empty(Frames.METADATA, metadataId));
            } else if (r.kind == Frames.TOPICS) {
                topics = AdminCodec.readTopics(r);
                becomeReady(connection);
            } else {
                throw r.invalid("unexpected during the handshake");
            }
        }

        @Override
        void fail(Throwable e) {
            if (e instanceof DisconnectedException) {
                return; // the connection dropped during the handshake: reconnecting
            }
            // refused: a wrong token or version will not get better by reconnecting
            fatal = e;
            if (!firstReady.isDone()) {
                firstReady.completeExceptionally(e);
            } else {
                log.error("Node {} refused the connection; the client stops: {}", address, e.getMessage());
                failEverything(e);
            }
            connection.dispose();
        }

        @Override
        ByteBuf encode() {
            throw new IllegalStateException("handshakes are not sent again");
        }

        @Override
        boolean resendable() {
            return false;
        }
    }

    private void becomeReady(Connection c) {
        List<Request> again;
        synchronized (writeLock) {
            if (connecting != c || closed) {
                return;
            }
            again = new ArrayList<>();
            for (Request r : pending.values()) {
                if (r.resendable()) {
                    again.add(r);
                }
            }
            again.sort(Comparator.comparingInt(r -> r.id)); // a partition's batches in their order
            Outbound out = Outbound.of(c.channel());
            for (Request r : again) {
                r.sentOn = c;
                out.write(r.encode());
            }
            ready = c;
            connecting = null;
            attempts = 0;
        }
        if (connections > 1) {
            log.info("Reconnected to node {}; sent {} unanswered requests again", address, again.size());
        }
        subscriptions.values().forEach(s -> s.connected(c));
        firstReady.complete(null);
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
        for (Request r : pending.values()) {
            if (r.sentOn == c && !r.resendable() || r instanceof Handshake h && h.connection == c) {
                if (pending.remove(r.id, r)) {
                    r.fail(e);
                }
            }
        }
        subscriptions.values().forEach(s -> s.disconnected(c));
        if (!closed && fatal == null && firstReady.isDone()) {
            log.warn("Lost the connection to node {}; reconnecting", address);
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
                        topics = AdminCodec.readTopics(r);
                    } else {
                        answer(r);
                    }
                }
                case Frames.ERROR -> {
                    if (r.stream == 0) {
                        RuntimeException e = ErrorCodec.read(r);
                        log.warn("Node {} closes the connection: {} {}", address, ErrorCode.of(e), e.getMessage());
                        c.dispose();
                    } else if (pending.containsKey(r.stream)) {
                        answer(r);
                    } else {
                        ClientSubscription s = subscriptions.get(r.stream);
                        if (s != null) {
                            s.onFrame(c, r);
                        }
                    }
                }
                default -> answer(r);
            }
        } catch (RuntimeException e) {
            log.warn("Closing the connection to node {}: {}", address, e.toString());
            c.dispose();
        }
    }

    private void answer(FrameReader r) {
        Request req = pending.remove(r.stream);
        if (req == null) {
            return; // timed out or cancelled meanwhile
        }
        if (r.kind == Frames.ERROR) {
            req.fail(ErrorCodec.read(r));
            return;
        }
        try {
            req.answer(r);
        } catch (RuntimeException e) {
            req.fail(e);
            throw e;
        }
    }

    // ---- requests ----

    int nextId() {
        for (;;) {
            int id = ids.incrementAndGet();
            if (id > 0) {
                return id;
            }
            ids.compareAndSet(id, 0);
        }
    }

    /** A request: sent now if connected, else once the connection is ready. */
    abstract static class Request {
        final int id;
        volatile Connection sentOn;

        Request(int id) {
            this.id = id;
        }

        abstract ByteBuf encode();

        abstract void answer(FrameReader r);

        abstract void fail(Throwable e);

        /** True when a dropped connection sends it again rather than failing it. */
        abstract boolean resendable();
    }

    private void send(Request r) {
        Throwable f = fatal;
        if (closed || f != null) {
            r.fail(f != null ? f : new ClosedException("the client of node " + address + " is closed"));
            return;
        }
        synchronized (writeLock) {
            pending.put(r.id, r);
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
            int id = nextId();
            AdminRequest<T> req = new AdminRequest<>(id, kind, payload, answerKind, read, sink);
            sink.onDispose(() -> pending.remove(id, req));
            // what this thread acknowledged before the request reaches the node before it (as in the embedded engine)
            subscriptions.values().forEach(ClientSubscription::flushAcks);
            send(req);
        }).timeout(options.requestTimeout(), Mono.error(() -> new DisconnectedException("node " + address + " did not answer a "
                + Frames.kindName(kind) + " request within " + options.requestTimeout(), null)));
    }

    private static final class AdminRequest<T> extends Request {
        final byte kind;
        final Consumer<ByteBuf> payload;
        final byte answerKind;
        final Function<FrameReader, T> read;
        final MonoSink<T> sink;

        AdminRequest(int id, byte kind, Consumer<ByteBuf> payload, byte answerKind, Function<FrameReader, T> read, MonoSink<T> sink) {
            super(id);
            this.kind = kind;
            this.payload = payload;
            this.answerKind = answerKind;
            this.read = read;
            this.sink = sink;
        }

        @Override
        ByteBuf encode() {
            ByteBuf b = Frames.begin(kind, id, 64);
            payload.accept(b);
            return Frames.end(b);
        }

        @Override
        void answer(FrameReader r) {
            if (r.kind != answerKind) {
                throw r.invalid("a " + Frames.kindName(kind) + " request expects " + Frames.kindName(answerKind));
            }
            T value = read.apply(r);
            r.end();
            if (value == null) {
                sink.success();
            } else {
                sink.success(value);
            }
        }

        @Override
        void fail(Throwable e) {
            sink.error(e);
        }

        @Override
        boolean resendable() {
            return sentOn == null; // not yet sent: send it once connected
        }
    }

    /** Appends a batch on the node; resent after a reconnect until answered. */
    public void produce(String topic, int partition, Acks acks, RecordBatch batch, SendTarget.AppendCallback callback) {
        send(new ProduceRequest(nextId(), topic, partition, acks, batch, callback));
    }

    private static final class ProduceRequest extends Request {
        final String topic;
        final int partition;
        final Acks acks;
        final RecordBatch batch;
        final SendTarget.AppendCallback callback;
        final long createdAt = System.nanoTime();

        ProduceRequest(int id, String topic, int partition, Acks acks, RecordBatch batch, SendTarget.AppendCallback callback) {
            super(id);
            this.topic = topic;
            this.partition = partition;
            this.acks = acks;
            this.batch = batch;
            this.callback = callback;
        }

        @Override
        ByteBuf encode() {
            return ProduceCodec.encode(id, topic, partition, acks, batch.array());
        }

        @Override
        void answer(FrameReader r) {
            if (r.kind != Frames.PRODUCED) {
                throw r.invalid("a PRODUCE request expects PRODUCED");
            }
            callback.appended(ProduceCodec.readProduced(r));
        }

        @Override
        void fail(Throwable e) {
            callback.failed(e);
        }

        @Override
        boolean resendable() {
            return true;
        }
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

    /** Writes a frame on {@code c} if it is still the ready connection; else drops it. */
    void write(Connection c, ByteBuf frame) {
        if (c == ready) {
            Outbound.of(c.channel()).write(frame);
        } else {
            frame.release();
        }
    }

    /** Topic specs as the node last told them. */
    public Map<String, TopicSpec> topics() {
        return topics;
    }

    public void topicCreated(TopicSpec spec) {
        Map<String, TopicSpec> m = new HashMap<>(topics);
        m.put(spec.name(), spec);
        topics = Map.copyOf(m);
    }

    public void topicDeleted(String name) {
        Map<String, TopicSpec> m = new HashMap<>(topics);
        m.remove(name);
        topics = Map.copyOf(m);
    }

    /** Null while usable; else why not. */
    public Throwable closedError() {
        Throwable f = fatal;
        return f != null ? f : closed ? new ClosedException("the client of node " + address + " is closed") : null;
    }

    private void failEverything(Throwable e) {
        for (Request r : pending.values()) {
            if (pending.remove(r.id, r)) {
                r.fail(e);
            }
        }
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
        deliveryTimer.dispose();
        Connection c = ready != null ? ready : connecting;
        failEverything(new ClosedException("the client of node " + address + " is closed"));
        if (c != null) {
            c.dispose();
        }
    }
}
