package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.sluice.Sluice;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.errors.UnauthorizedException;
import io.sluice.log.RecordBatch;
import io.sluice.spi.SendTarget;
import io.sluice.spi.SenderHandOff;
import io.sluice.transport.netty.Access;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One client connection on a node: the handshake, then every frame the client sends, answered on the same
 * connection. Frames are handled one at a time on the connection's event loop; answers to asynchronous work
 * (appends waiting for the store, admin calls, deliveries) are written from whichever thread finishes it.
 * A malformed frame is answered with {@code INVALID_FRAME} and closes this connection only; a request that fails
 * is answered with an {@link Frames#ERROR} on its stream and the connection carries on.
 */
public final class ServerSession {
    private static final Logger log = Loggers.getLogger(ServerSession.class);

    private final Channel channel;
    private final Outbound outbound;
    private final Sluice engine;
    private final SendTarget target;
    private final Map<String, Access> tokens;
    private final String nodeName;
    private final int heartbeatMillis;
    private final int maxFrameSize;
    private final ServerAdmin admin;
    private final Map<Integer, ServerSubscription> subscriptions = new ConcurrentHashMap<>();
    private Access access;
    private volatile boolean closed;

    /** {@code maxFrameSize} is the connection's {@link FrameDecoder}'s, told to the client in the handshake. */
    public ServerSession(Channel channel, Sluice engine, Map<String, Access> tokens, String nodeName, int heartbeatMillis,
                         int maxFrameSize, Runnable topicsChanged) {
        this.channel = channel;
        this.outbound = Outbound.of(channel);
        this.engine = engine;
        this.target = (SendTarget) engine;
        this.tokens = tokens;
        this.nodeName = nodeName;
        this.heartbeatMillis = heartbeatMillis;
        this.maxFrameSize = maxFrameSize;
        this.admin = new ServerAdmin(this, engine.admin(), topicsChanged);
    }

    public Channel channel() {
        return channel;
    }

    /** Handles one frame body; the caller releases it. */
    public void onFrame(ByteBuf body) {
        if (closed) {
            return;
        }
        FrameReader r;
        try {
            r = new FrameReader(body);
        } catch (ProtocolException e) {
            fatal(0, e);
            return;
        }
        try {
            if (access == null && r.kind != Frames.HELLO) {
                throw r.invalid("the connection must start with HELLO");
            }
            dispatch(r);
        } catch (ProtocolException e) {
            fatal(r.stream, e);
        } catch (RuntimeException e) {
            // a request the engine refused at once (unknown topic, bad argument): answer it, carry on
            write(errorFrame(r.stream, e));
        }
    }

    private void dispatch(FrameReader r) {
        switch (r.kind) {
            case Frames.HELLO -> hello(r);
            case Frames.HEARTBEAT -> r.end();
            case Frames.PRODUCE -> produce(r);
            case Frames.CREDIT -> credit(r);
            case Frames.ACK -> ack(r);
            case Frames.SUBSCRIBE -> subscribe(r);
            case Frames.UNSUBSCRIBE -> unsubscribe(r);
            case Frames.COMMIT -> commit(r);
            case Frames.CREATE_TOPIC, Frames.DELETE_TOPIC, Frames.DESCRIBE_TOPIC, Frames.LIST_TOPICS, Frames.LIST_GROUPS,
                    Frames.DESCRIBE_GROUP, Frames.METADATA -> admin.handle(r, access);
            default -> throw r.invalid("a client may not send it");
        }
    }

    /** Answers with an error frame, then closes this connection (and only it). */
    private void fatal(int stream, ProtocolException e) {
        if (closed) {
            return;
        }
        log.debug("Closing {} after a protocol error: {}", channel.remoteAddress(), e.getMessage());
        closed = true;
        // after the answers queued before it (say CORRUPT_BATCH for the frame before), which would be lost otherwise
        FrameDecoder.failAndClose(channel, ErrorCodec.encode(stream, e.code(), e.getMessage()));
        release();
    }

    /** The connection is gone: every subscription leaves its group (its unacknowledged records go to others). */
    public void release() {
        closed = true;
        for (ServerSubscription s : subscriptions.values()) {
            try {
                s.leave();
            } catch (RuntimeException e) {
                // one member failing to leave must not keep the others in their groups
                log.warn("A subscription of {} failed to leave its group", channel.remoteAddress(), e);
            }
        }
        subscriptions.clear();
    }

    void write(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        outbound.write(frame);
    }

    /** {@link Outbound#finishOnDrain}, unless the connection is closed. */
    void finishOnDrain(Supplier<ByteBuf> frame) {
        if (!closed) {
            outbound.finishOnDrain(frame);
        }
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** The channel can take writes again: subscriptions that held back credits use them. */
    public void writabilityChanged() {
        if (channel.isWritable()) {
            subscriptions.values().forEach(ServerSubscription::resume);
        }
    }

    // ---- handshake ----

    private void hello(FrameReader r) {
        if (access != null) {
            throw r.invalid("HELLO was already received");
        }
        HelloCodec.Hello hello = HelloCodec.readHello(r);
        short version = hello.version();
        String token = hello.token();
        if (version != Frames.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + version + " is not supported; this node speaks "
                    + Frames.VERSION);
        }
        if (tokens.isEmpty()) {
            access = Access.all();
        } else {
            Access a = token == null ? null : tokens.get(token);
            if (a == null) {
                throw new ProtocolException(ErrorCode.UNAUTHORIZED, token == null ? "this node requires a token" : "the token is not known");
            }
            access = a;
        }
        write(HelloCodec.encodeHelloOk(r.stream, nodeName, heartbeatMillis, maxFrameSize));
    }

    // ---- producing ----

    private void produce(FrameReader r) {
        int stream = r.stream;
        ProduceCodec.Produce produce = ProduceCodec.read(r);
        String topic = produce.topic();
        int partition = produce.partition();
        if (!access.canWrite(topic)) {
            throw new UnauthorizedException("this token may not write to topic '" + topic + "'");
        }
        SendTarget.Topic t = target.topic(topic);
        if (partition < 0 || partition >= t.partitionCount()) {
            throw new IllegalArgumentException("partition " + partition + " does not exist: topic " + topic + " has " + t.partitionCount()
                    + " partitions");
        }
        RecordBatch batch = RecordBatch.wrap(produce.batch());
        batch.verify(topic, partition);
        // every record must decode, or a consumer of this partition would fail on it later
        batch.checkRecords(topic, partition);
        SendTarget.AppendCallback answer = new SendTarget.AppendCallback() {
            @Override
            public void appended(long baseOffset) {
                write(ProduceCodec.encodeProduced(stream, baseOffset));
            }

            @Override
            public void failed(Throwable error) {
                write(errorFrame(stream, error));
            }
        };
        // the members this append wakes deliver on this event loop, in this turn: no hand-off to a delivery thread
        SenderHandOff.runAppends(() -> t.partition(partition).append(batch, produce.acks(), answer));
    }

    // ---- consuming ----

    private void subscribe(FrameReader r) {
        int id = r.stream;
        ConsumerOptions options = SubscribeCodec.read(r);
        for (String topic : options.topics()) {
            if (!access.canRead(topic)) {
                throw new UnauthorizedException("this token may not read topic '" + topic + "'");
            }
        }
        if (subscriptions.containsKey(id)) {
            throw r.invalid("subscription " + id + " is already open");
        }
        ServerSubscription s = new ServerSubscription(this, id, engine.consumer(options));
        subscriptions.put(id, s);
        s.start();
    }

    void subscriptionEnded(int id, Throwable error) {
        subscriptions.remove(id);
        write(errorFrame(id, error));
    }

    /** The error frame for a failed request or subscription; an unexpected failure is logged here too. */
    private ByteBuf errorFrame(int stream, Throwable error) {
        ErrorCode code = ErrorCode.of(error);
        if (code == ErrorCode.INTERNAL) {
            log.warn("A request of {} failed unexpectedly", channel.remoteAddress(), error);
        }
        return ErrorCodec.encode(stream, code, error.getMessage());
    }

    private void credit(FrameReader r) {
        long n = CreditCodec.read(r);
        ServerSubscription s = subscriptions.get(r.stream);
        if (s != null) { // else it ended meanwhile
            s.credit(n);
        }
    }

    private void ack(FrameReader r) {
        ServerSubscription s = subscriptions.get(r.stream);
        AckCodec.read(r, s == null ? id -> { } : s::ack);
    }

    private void unsubscribe(FrameReader r) {
        r.end();
        ServerSubscription s = subscriptions.remove(r.stream);
        if (s != null) {
            s.leave();
        }
    }

    private void commit(FrameReader r) {
        int stream = r.stream;
        CommitCodec.Commit commit = CommitCodec.read(r);
        ServerSubscription s = subscriptions.get(commit.subscription());
        if (s == null) {
            throw new IllegalArgumentException("subscription " + commit.subscription() + " is not open on this connection");
        }
        answer(stream, s.commit(commit.deliveryId()), v -> ok(stream));
    }

    /** Sends every topic's spec on {@code stream} (0: unasked, after a change). */
    public void sendTopics(int stream) {
        admin.sendTopics(stream);
    }

    void ok(int stream) {
        write(Frames.empty(Frames.OK, stream));
    }

    /** Runs {@code work} and answers with {@code onValue} (an empty Mono gives it null), or with an error frame. */
    <T> void answer(int stream, Mono<T> work, Consumer<T> onValue) {
        work.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .subscribe(v -> onValue.accept(v.orElse(null)), e -> write(errorFrame(stream, e)));
    }
}
