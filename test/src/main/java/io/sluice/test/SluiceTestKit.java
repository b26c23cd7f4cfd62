package io.sluice.test;

import io.sluice.Sluice;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.check.Check;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.Record;
import io.sluice.test.internal.TopicReader;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An embedded engine for a test, optionally served as a node with a client, and the helpers a test of a Sluice
 * application needs: send a record, read a topic from its start as a finite {@link Flux} for a
 * {@code StepVerifier}, await records with a timeout that fails naming what was missing, read a group's lag.
 * {@link SluiceTest} gives one to each test and closes it afterwards; {@link #embedded} and {@link #withNode} make
 * one by hand (close it yourself: it is {@link AutoCloseable}).
 *
 * <p>The helpers talk to the engine directly, not through the client, so that what they see does not depend on the
 * code under test's connection. They read a topic as a consumer group of their own ({@code sluice-test-read-N}, one
 * per read): like any group it then stays in the engine ({@code Admin.listGroups} lists it) and counts towards a
 * topic's {@code maxBacklog} (100,000 records by default) should the test append that many more; on a
 * {@code DROP_OLDEST} topic the records dropped for it count in {@code sluice.records.dropped} too.
 *
 * <p>The blocking helpers ({@link #send}, {@link #awaitRecords}, {@link #lag}, {@link #createTopic}) wait on the
 * calling thread: call them from the test's thread, not from a Reactor one (BlockHound refuses that). Their Reactor
 * counterparts are {@link #records}, {@link #follow} and {@link #firstRecords}.
 */
public final class SluiceTestKit implements AutoCloseable {
    /** How long a blocking helper waits for the engine's answer. */
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final Sluice engine;
    private final SluiceServer server;
    private final NettySluice client;
    private final List<Sluice> moreClients = new CopyOnWriteArrayList<>();
    private final TopicReader reader;
    private final Producer producer;
    private volatile boolean closed;

    private SluiceTestKit(Sluice engine, SluiceServer server, NettySluice client) {
        this.engine = engine;
        this.server = server;
        this.client = client;
        this.reader = new TopicReader(engine);
        this.producer = engine.producer(ProducerOptions.create().clientId("sluice-test-kit"));
    }

    /** An engine in memory with these topics. */
    public static SluiceTestKit embedded(TopicSpec... topics) {
        return start(false, List.of(Check.notNull("topics", topics)));
    }

    /**
     * An engine in memory with these topics, served as a node on a free port of 127.0.0.1, and a
     * {@link NettySluice} client of it: {@link #sluice()}. Returns once the client is connected.
     */
    public static SluiceTestKit withNode(TopicSpec... topics) {
        return start(true, List.of(Check.notNull("topics", topics)));
    }

    static SluiceTestKit start(boolean node, List<TopicSpec> topics) {
        Sluice engine = Sluice.embedded();
        SluiceServer server = null;
        NettySluice client = null;
        try {
            // on the engine before the node starts, so that the client's handshake brings them
            for (TopicSpec topic : topics) {
                engine.admin().createTopic(topic).block(ANSWER);
            }
            if (!node) {
                return new SluiceTestKit(engine, null, null);
            }
            server = SluiceServer.start(engine, ServerOptions.create().host("127.0.0.1").port(0));
            client = NettySluice.connect(
                    ClientOptions.create().address(server.host(), server.port()).clientId("sluice-test"));
            return new SluiceTestKit(engine, server, client);
        } catch (RuntimeException | Error e) {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
            engine.close();
            throw e;
        }
    }

    /**
     * What the code under test should use: the node's client when there is a node ({@link SluiceTest#node()}),
     * else the engine. This is the {@link Sluice} {@link SluiceTest} injects.
     */
    public Sluice sluice() {
        return client != null ? client : engine;
    }

    /** The embedded engine (with a node: the one the node serves). */
    public Sluice engine() {
        return engine;
    }

    /** Whether the engine is served as a node. */
    public boolean hasNode() {
        return server != null;
    }

    /**
     * The node's client.
     *
     * @throws IllegalStateException without a node
     */
    public NettySluice client() {
        requireNode("client()");
        return client;
    }

    /**
     * The node's address: 127.0.0.1 and the free port it bound.
     *
     * @throws IllegalStateException without a node
     */
    public InetSocketAddress address() {
        requireNode("address()");
        return InetSocketAddress.createUnresolved(server.host(), server.port());
    }

    /**
     * Options that address the node, to connect a client of your own (with {@link #connect}, or closing it yourself).
     *
     * @throws IllegalStateException without a node
     */
    public ClientOptions clientOptions() {
        requireNode("clientOptions()");
        return ClientOptions.create().address(server.host(), server.port());
    }

    /**
     * Another client of the node (a second service, a second member on its own connection), closed with the kit.
     *
     * @throws IllegalStateException without a node
     */
    public NettySluice connect(ClientOptions options) {
        requireNode("connect()");
        if (closed) {
            throw new IllegalStateException("the Sluice test kit is closed: " + this);
        }
        NettySluice another = NettySluice.connect(Check.notNull("options", options));
        moreClients.add(another);
        return another;
    }

    /**
     * Creates the topic through {@link #sluice()} (so that a node's client knows it at once; the node tells its
     * other clients soon after) and waits until it exists.
     */
    public void createTopic(TopicSpec spec) {
        sluice().admin().createTopic(Check.notNull("spec", spec)).block(ANSWER);
    }

    /** {@link #createTopic(TopicSpec)} of a topic of {@code partitions} partitions, the other settings their defaults. */
    public void createTopic(String name, int partitions) {
        createTopic(TopicSpec.of(name).partitions(partitions));
    }

    /** Sends a record of this key (UTF-8, null for none) and value (UTF-8) and waits until it is appended. */
    public SendResult<Void> send(String topic, String key, String value) {
        return send(OutboundMessage.<Void>of(topic, key, Check.notNull("value", value).getBytes(StandardCharsets.UTF_8), null));
    }

    /** Sends the message (typed ones: {@code OutboundMessage.of(topic, key, value, serde, correlation)}) and waits until it is appended. */
    public <T> SendResult<T> send(OutboundMessage<T> message) {
        return await(producer.send(Check.notNull("message", message)));
    }

    /**
     * The records the topic holds when you subscribe (to each partition's end offset then), sorted by partition and
     * offset, then completes: a test can expect them one by one with a {@code StepVerifier}. Each subscription reads
     * the topic from its start again. Fails with {@code UnknownTopicException} when the topic does not exist.
     *
     * <pre>{@code StepVerifier.create(kit.records("orders").map(Record::valueAsString)).expectNext("a", "b").verifyComplete();}</pre>
     */
    public Flux<Record> records(String topic) {
        return reader.snapshot(Check.notNull("topic", topic));
    }

    /**
     * Every record of the topic from its start, then every new one as it is appended; never completes (cancel it, or
     * {@code take(n)}). Within a partition in offset order; partitions interleave as they arrive.
     */
    public Flux<Record> follow(String topic) {
        return reader.follow(Check.notNull("topic", topic));
    }

    /**
     * The first {@code n} records of the topic from its start, emitted as they arrive (within a partition in offset
     * order); completes after the {@code n}th. A topic that does not exist yet is waited for as well (a dead-letter
     * topic is created by its first record). When fewer arrived within {@code timeout}, fails with an
     * {@link AssertionError} naming the topic, how many arrived and the timeout. The timeout is a {@code Mono.delay} on
     * Reactor's parallel scheduler, so {@code StepVerifier.withVirtualTime} runs it without waiting:
     *
     * <pre>{@code
     * StepVerifier.withVirtualTime(() -> kit.firstRecords("orders", 3, Duration.ofMinutes(1)))
     *         .expectNextCount(2)                         // the two there are
     *         .thenAwait(Duration.ofMinutes(1))
     *         .expectErrorMessage("expected 3 records on topic 'orders' within PT1M, but 2 arrived")
     *         .verify(Duration.ofSeconds(10));
     * }</pre>
     */
    public Flux<Record> firstRecords(String topic, int n, Duration timeout) {
        return reader.first(Check.notNull("topic", topic), n, Check.positive("timeout", timeout));
    }

    /**
     * Waits until the topic holds at least {@code n} records (from its start) and returns the first {@code n}, in the
     * order they arrived.
     *
     * @throws AssertionError naming the topic, how many arrived and the timeout, when fewer than {@code n} arrived
     *         within {@code timeout}
     */
    public List<Record> awaitRecords(String topic, int n, Duration timeout) {
        try {
            return firstRecords(topic, n, timeout).collectList().block();
        } catch (RuntimeException e) {
            if (Exceptions.unwrap(e) instanceof AssertionError failed) {
                throw new AssertionError(failed.getMessage()); // this caller's stack trace rather than a timer thread's
            }
            throw e;
        }
    }

    /**
     * The group as it is now: members, and per partition the committed offset, the end offset and the lag between.
     * Lag counts from what the group committed: a member commits what it acknowledged every {@code commitInterval},
     * when its subscription ends, and on {@code Consumer.commit()}.
     *
     * @throws io.sluice.errors.UnknownGroupException when no member of the group ever joined
     */
    public GroupDescription group(String group) {
        return await(engine.admin().describeGroup(Check.notNull("group", group)));
    }

    /** The group's lag over all its partitions: the records it has not committed. See {@link #group(String)}. */
    public long lag(String group) {
        return group(group).totalLag();
    }

    /**
     * Closes what the kit opened, in this order: the clients of {@link #connect}, the node's client, the node, the
     * engine. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> order = new ArrayList<>();
        order.add(producer);
        for (int i = moreClients.size() - 1; i >= 0; i--) {
            order.add(moreClients.get(i));
        }
        if (client != null) {
            order.add(client);
        }
        if (server != null) {
            order.add(server);
        }
        order.add(engine);
        RuntimeException failed = null;
        for (AutoCloseable c : order) {
            try {
                c.close();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new IllegalStateException("closing the Sluice test kit failed: " + e, e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public String toString() {
        return "SluiceTestKit[" + (server != null ? "node " + server.host() + ":" + server.port() : "embedded")
                + (closed ? ", closed" : "") + "]";
    }

    private void requireNode(String what) {
        if (server == null) {
            throw new IllegalStateException(what + " needs a node: annotate the test class @SluiceTest(node = true)"
                    + " (or make the kit with SluiceTestKit.withNode())");
        }
    }

    private static <T> T await(Mono<T> one) {
        return one.block(ANSWER);
    }
}
