package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.errors.UnauthorizedException;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.record.Record;
import io.sluice.spi.SendTarget;
import io.sluice.transport.netty.Access;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
    /** Publishes the topic list to every session after a topic is created or deleted. */
    private final Runnable topicsChanged;
    private final Map<Integer, ServerSubscription> subscriptions = new ConcurrentHashMap<>();
    private Access access;
    private volatile boolean closed;

    public ServerSession(Channel channel, Sluice engine, Map<String, Access> tokens, String nodeName, int heartbeatMillis,
                         Runnable topicsChanged) {
        this.channel = channel;
        this.outbound = Outbound.of(channel);
        this.engine = engine;
        this.target = (SendTarget) engine;
        this.tokens = tokens;
        this.nodeName = nodeName;
        this.heartbeatMillis = heartbeatMillis;
        this.topicsChanged = topicsChanged;
    }

    public Channel channel() {
        return channel;
    }

    /** Handles one frame body; the caller releases it. */
    public void onFrame(ByteBuf body) {
        if (closed) {
            return;
        }
        Frames.Reader r;
        try {
            r = new Frames.Reader(body);
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

    private void dispatch(Frames.Reader r) {
        switch (r.kind) {
            case Frames.HELLO -> hello(r);
            case Frames.HEARTBEAT -> r.end();
            case Frames.PRODUCE -> produce(r);
            case Frames.CREDIT -> credit(r);
            case Frames.ACK -> ack(r);
            case Frames.SUBSCRIBE -> subscribe(r);
            case Frames.UNSUBSCRIBE -> unsubscribe(r);
            case Frames.COMMIT -> commit(r);
            case Frames.CREATE_TOPIC -> createTopic(r);
            case Frames.DELETE_TOPIC -> deleteTopic(r);
            case Frames.DESCRIBE_TOPIC -> describeTopic(r);
            case Frames.LIST_TOPICS -> listTopics(r);
            case Frames.LIST_GROUPS -> listGroups(r);
            case Frames.DESCRIBE_GROUP -> describeGroup(r);
            case Frames.METADATA -> metadata(r);
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

    private void hello(Frames.Reader r) {
        if (access != null) {
            throw r.invalid("HELLO was already received");
        }
        short version = r.readShort("version");
        String token = r.readString("token");
        r.readString("client id");
        r.end();
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
        ByteBuf ok = Frames.begin(Frames.HELLO_OK, r.stream, 32);
        ok.writeShort(Frames.VERSION);
        Frames.writeString(ok, nodeName);
        ok.writeInt(heartbeatMillis);
        write(Frames.end(ok));
    }

    // ---- producing ----

    private void produce(Frames.Reader r) {
        int stream = r.stream;
        String topic = r.readRequiredString("topic");
        int partition = r.readInt("partition");
        byte acksCode = r.readByte("acks");
        byte[] bytes = r.readBytes("batch");
        r.end();
        if (acksCode < 0 || acksCode >= Acks.values().length) {
            throw r.invalid("acks " + acksCode + " is unknown");
        }
        if (bytes == null) {
            throw r.invalid("batch is missing");
        }
        if (!access.canWrite(topic)) {
            throw new UnauthorizedException("this token may not write to topic '" + topic + "'");
        }
        SendTarget.Topic t = target.topic(topic);
        if (partition < 0 || partition >= t.partitionCount()) {
            throw new IllegalArgumentException("partition " + partition + " does not exist: topic " + topic + " has " + t.partitionCount()
                    + " partitions");
        }
        RecordBatch batch = RecordBatch.wrap(bytes);
        batch.verify(topic, partition);
        // every record must decode, or a consumer of this partition would fail on it later
        for (Iterator<Record> it = batch.records(topic, partition, 0); it.hasNext(); ) {
            it.next();
        }
        t.partition(partition).append(batch, Acks.values()[acksCode], new SendTarget.AppendCallback() {
            @Override
            public void appended(long baseOffset) {
                ByteBuf ack = Frames.begin(Frames.PRODUCED, stream, 8);
                ack.writeLong(baseOffset);
                write(Frames.end(ack));
            }

            @Override
            public void failed(Throwable error) {
                write(errorFrame(stream, error));
            }
        });
    }

    // ---- consuming ----

    private void subscribe(Frames.Reader r) {
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

    private ServerSubscription subscription(Frames.Reader r) {
        return subscriptions.get(r.stream);
    }

    private void credit(Frames.Reader r) {
        long n = r.readLong("credit");
        r.end();
        if (n <= 0) {
            throw r.invalid("credit must be positive, was " + n);
        }
        ServerSubscription s = subscription(r);
        if (s != null) { // else it ended meanwhile
            s.credit(n);
        }
    }

    private void ack(Frames.Reader r) {
        int n = r.readCount("ids", 8);
        ServerSubscription s = subscription(r);
        for (int i = 0; i < n; i++) {
            long id = r.readLong("delivery id");
            if (s != null) {
                s.ack(id);
            }
        }
        r.end();
    }

    private void unsubscribe(Frames.Reader r) {
        r.end();
        ServerSubscription s = subscriptions.remove(r.stream);
        if (s != null) {
            s.leave();
        }
    }

    private void commit(Frames.Reader r) {
        int stream = r.stream;
        int sub = r.readInt("subscription");
        long delivery = r.readLong("delivery id");
        r.end();
        ServerSubscription s = subscriptions.get(sub);
        if (s == null) {
            throw new IllegalArgumentException("subscription " + sub + " is not open on this connection");
        }
        answer(stream, s.commit(delivery), v -> ok(stream));
    }

    // ---- admin ----

    private void requireAdmin(String what) {
        if (!access.isAdmin()) {
            throw new UnauthorizedException("this token may not " + what);
        }
    }

    private void createTopic(Frames.Reader r) {
        TopicSpec spec = r.readTopicSpec();
        r.end();
        requireAdmin("create topics");
        int stream = r.stream;
        answer(stream, engine.admin().createTopic(spec), v -> {
            ok(stream);
            topicsChanged.run();
        });
    }

    private void deleteTopic(Frames.Reader r) {
        String name = r.readRequiredString("topic");
        r.end();
        requireAdmin("delete topics");
        int stream = r.stream;
        answer(stream, engine.admin().deleteTopic(name), v -> {
            ok(stream);
            topicsChanged.run();
        });
    }

    private void describeTopic(Frames.Reader r) {
        String name = r.readRequiredString("topic");
        r.end();
        int stream = r.stream;
        answer(stream, engine.admin().describeTopic(name), d -> {
            ByteBuf b = Frames.begin(Frames.TOPIC, stream, 64 + 20 * d.partitions().size());
            Frames.writeTopicDescription(b, d);
            write(Frames.end(b));
        });
    }

    private void listTopics(Frames.Reader r) {
        r.end();
        int stream = r.stream;
        answer(stream, engine.admin().listTopics().collectList(), names -> writeNames(stream, names));
    }

    private void listGroups(Frames.Reader r) {
        r.end();
        int stream = r.stream;
        answer(stream, engine.admin().listGroups().collectList(), names -> writeNames(stream, names));
    }

    private void describeGroup(Frames.Reader r) {
        String group = r.readRequiredString("group");
        r.end();
        int stream = r.stream;
        answer(stream, engine.admin().describeGroup(group), g -> {
            ByteBuf b = Frames.begin(Frames.GROUP, stream, 256);
            Frames.writeGroupDescription(b, g);
            write(Frames.end(b));
        });
    }

    private void metadata(Frames.Reader r) {
        r.end();
        sendTopics(r.stream);
    }

    /** Sends every topic's spec on {@code stream} (0: unasked, after a change). */
    public void sendTopics(int stream) {
        answer(stream, engine.admin().listTopics()
                .concatMap(name -> engine.admin().describeTopic(name).onErrorResume(e -> Mono.empty())) // deleted meanwhile
                .map(d -> d.spec())
                .collectList(), specs -> {
            ByteBuf b = Frames.begin(Frames.TOPICS, stream, 64 * specs.size());
            b.writeInt(specs.size());
            specs.forEach(s -> Frames.writeTopicSpec(b, s));
            write(Frames.end(b));
        });
    }

    private void writeNames(int stream, List<String> names) {
        ByteBuf b = Frames.begin(Frames.NAMES, stream, 16 * names.size());
        Frames.writeStrings(b, names);
        write(Frames.end(b));
    }

    private void ok(int stream) {
        write(Frames.empty(Frames.OK, stream));
    }

    /** Runs {@code work} and answers with {@code onValue} (an empty Mono gives it null), or with an error frame. */
    private <T> void answer(int stream, Mono<T> work, Consumer<T> onValue) {
        work.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .subscribe(v -> onValue.accept(v.orElse(null)), e -> write(errorFrame(stream, e)));
    }
}
