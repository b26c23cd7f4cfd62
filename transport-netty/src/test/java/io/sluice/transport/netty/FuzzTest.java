package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.StartPosition;
import io.sluice.errors.ErrorCode;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import io.sluice.transport.netty.internal.Frames;
import io.sluice.transport.netty.internal.RawClient;
import io.sluice.transport.netty.internal.TestFrames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Random and mutated frames over raw connections to a live node, while a well-behaved client produces and
 * consumes through it. The node must answer each bad connection with an {@link Frames#ERROR} and close it (that
 * connection only), never crash or hang, keep every record of the good stream exactly as sent, leave the fuzzed
 * topics readable, and leak no buffer ({@code NettyLeakExtension}).
 *
 * <p>Reproducible: the seed is printed; run again with {@code -Dsluice.fuzz.seed=<seed>} (and optionally
 * {@code -Dsluice.fuzz.frames=<n>}, at least 100,000 by default).
 */
class FuzzTest {
    private static final int MAX_FRAME = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final String GOOD_TOPIC = "orders-good-stream";
    /** A frame kind no one sends: the last frame of every connection, which must close it. */
    private static final byte POISON_KIND = 99;
    /** One record of the good stream per this many fuzz frames. */
    private static final int FRAMES_PER_GOOD_RECORD = 10;

    private Sluice engine;
    private SluiceServer server;
    private NettySluice good;

    @BeforeEach
    void start() {
        engine = Sluice.embedded(EngineOptions.create().name("fuzz"));
        server = SluiceServer.start(engine, ServerOptions.create().port(0).maxFrameSize(MAX_FRAME));
        StepVerifier.create(engine.admin().createTopic(TopicSpec.of("fuzz-a").partitions(3))).verifyComplete();
        StepVerifier.create(engine.admin().createTopic(TopicSpec.of("fuzz-b").overflow(OverflowPolicy.FAIL).maxBacklog(100)))
                .verifyComplete();
        StepVerifier.create(engine.admin().createTopic(TopicSpec.of(GOOD_TOPIC).partitions(3))).verifyComplete();
        good = NettySluice.connect(clientOptions());
    }

    @AfterEach
    void stop() {
        good.close();
        server.close();
        engine.close();
    }

    private ClientOptions clientOptions() {
        return ClientOptions.create().address("127.0.0.1", server.port()).clientId("well-behaved");
    }

    @Test
    void theNodeSurvivesRandomAndMutatedFramesWhileAGoodClientCarriesOn() {
        long seed = Long.getLong("sluice.fuzz.seed", System.nanoTime());
        int target = Integer.getInteger("sluice.fuzz.frames", 100_000);
        System.out.println("FuzzTest seed " + seed + " (rerun with -Dsluice.fuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        int goodCount = target / FRAMES_PER_GOOD_RECORD + 1;
        GoodStream stream = new GoodStream(seed, goodCount);

        Sinks.Many<OutboundMessage<Integer>> toSend = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier sent = StepVerifier.create(good.producer(ProducerOptions.create().batchSize(8 * 1024)).send(toSend.asFlux()))
                .expectNextCount(goodCount).expectComplete().verifyLater();
        StepVerifier received = StepVerifier.create(good.consumer(ConsumerOptions.create("good-group").topics(GOOD_TOPIC)).receive()
                        .doOnNext(d -> {
                            stream.check(d.record());
                            d.ack();
                        })
                        .take(goodCount))
                .expectNextCount(goodCount).expectComplete().verifyLater();

        Fuzzer fuzzer = new Fuzzer(rnd);
        int frames = 0;
        int connections = 0;
        int resets = 0;
        int emitted = 0;
        int poisonAnswered = 0;
        Map<String, Integer> errorCodes = new TreeMap<>();
        long started = System.nanoTime();
        while (frames < target) {
            Fuzzer.Connection plan = fuzzer.connection();
            connections++;
            try (RawClient raw = RawClient.connect(server.port())) {
                raw.write(plan.bytes, TIMEOUT);
                frames += plan.frames;
                for (; emitted < goodCount && emitted < frames / FRAMES_PER_GOOD_RECORD; emitted++) {
                    assertThat(toSend.tryEmitNext(stream.message(emitted))).isEqualTo(Sinks.EmitResult.OK);
                }
                String context = "connection " + connections + " (seed " + seed + ", " + plan.description + ": " + plan.sent + ")";
                assertThat(raw.awaitClose(CLOSE_TIMEOUT)).as("the node closed %s within %s; got %s", context, CLOSE_TIMEOUT, raw.frames())
                        .isTrue();
                RawClient.Frame lastError = null;
                boolean poisoned = false;
                for (RawClient.Frame f : raw.frames()) {
                    if (f.kind() == Frames.ERROR) {
                        if (errorCodes.merge(f.errorCode(), 1, Integer::sum) <= 3 && ErrorCode.INTERNAL.name().equals(f.errorCode())) {
                            System.out.println("FuzzTest: INTERNAL on " + context + ": " + f.errorMessage());
                        }
                        lastError = f;
                        poisoned |= f.errorMessage().contains("kind " + POISON_KIND);
                    }
                }
                if (raw.wasReset()) {
                    resets++; // the node closed while our bytes were still coming: its error frame may be lost
                    continue;
                }
                assertThat(lastError).as("an ERROR before the node closed %s; got %s", context, raw.frames()).isNotNull();
                if (poisoned) {
                    poisonAnswered++;
                }
                if (plan.clean) {
                    // an answer to earlier work (a subscription's end, say) may still overtake the close
                    assertThat(raw.frames()).as("%s sent only valid frames: the poison frame ends it", context)
                            .anyMatch(f -> f.kind() == Frames.ERROR
                                    && f.errorMessage().equals("invalid kind " + POISON_KIND + " frame: a client may not send it"))
                            .noneMatch(f -> f.kind() == Frames.ERROR && ErrorCode.INVALID_FRAME.name().equals(f.errorCode())
                                    && !f.errorMessage().contains("kind " + POISON_KIND));
                }
            }
        }
        for (; emitted < goodCount; emitted++) {
            assertThat(toSend.tryEmitNext(stream.message(emitted))).isEqualTo(Sinks.EmitResult.OK);
        }
        toSend.tryEmitComplete();
        long fuzzMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("FuzzTest: %d frames on %d connections in %d ms; %d resets; poison answered %d times; errors %s%n",
                frames, connections, fuzzMillis, resets, poisonAnswered, errorCodes);

        // the good client carried on, on its one connection, with every record exactly as sent
        sent.verify(TIMEOUT);
        try {
            received.verify(TIMEOUT);
        } catch (AssertionError e) {
            throw new AssertionError("the good consumer received " + stream.received() + " of " + goodCount + " records; its group: "
                    + engine.admin().describeGroup("good-group").block(TIMEOUT) + "; the topic: "
                    + engine.admin().describeTopic(GOOD_TOPIC).block(TIMEOUT) + "; client connections " + good.connections(), e);
        }
        assertThat(stream.duplicates()).as("records received twice").isZero();
        assertThat(good.connections()).as("the good client never lost its connection").isEqualTo(1);

        // every bad connection was answered: the codes the decoder and the sessions give all turned up
        assertThat(errorCodes).containsKeys(ErrorCode.INVALID_FRAME.name(), ErrorCode.FRAME_TOO_LARGE.name(), ErrorCode.CORRUPT_BATCH.name());
        assertThat(errorCodes).as("errors the node did not expect (an exception escaping its checks)").doesNotContainKey(ErrorCode.INTERNAL.name());
        assertThat(poisonAnswered).as("sessions that processed every frame up to the poison").isPositive();

        // the node still serves new clients, and every fuzzed record it took is readable over the wire
        StepVerifier.create(Mono.fromCallable(server::connections).filter(n -> n == 1)
                        .repeatWhenEmpty(200, repeats -> repeats.delayElements(Duration.ofMillis(50))))
                .expectNext(1).verifyComplete();
        try (NettySluice late = NettySluice.connect(clientOptions().clientId("late"))) {
            // topics fuzzed frames create and delete are named unlike fuzz-a (once "fuzz-c", a bit flip from "fuzz-a"), yet
            // a mutation may still hit it: then there is nothing to read
            long fuzzed = engine.admin().describeTopic("fuzz-a").map(FuzzTest::records)
                    .onErrorResume(io.sluice.errors.UnknownTopicException.class, e -> Mono.just(-1L)).block(TIMEOUT);
            System.out.println("FuzzTest: fuzz-a holds " + fuzzed + " records" + (fuzzed < 0 ? " (deleted by a mutated frame)" : ""));
            if (fuzzed < 0) {
                StepVerifier.create(late.admin().createTopic(TopicSpec.of("fuzz-a"))).verifyComplete();
                fuzzed = 0;
            }
            StepVerifier.create(late.consumer(ConsumerOptions.create("after-fuzz").topics("fuzz-a")
                            .startPosition(StartPosition.earliest())).receive().take(fuzzed))
                    .expectNextCount(fuzzed).expectComplete().verify(TIMEOUT);
        }
    }

    private static long records(TopicDescription d) {
        return d.partitions().stream().mapToLong(TopicDescription.PartitionInfo::retainedRecords).sum();
    }

    /** The well-behaved client's records: each one's key names it, its value and headers are fixed by the seed. */
    private static final class GoodStream {
        private final byte[][] values;
        private final BitSet seen;
        private final AtomicInteger duplicates = new AtomicInteger();

        GoodStream(long seed, int count) {
            Random r = new Random(~seed);
            values = new byte[count][];
            for (int i = 0; i < count; i++) {
                values[i] = new byte[r.nextInt(300)];
                r.nextBytes(values[i]);
            }
            seen = new BitSet(count);
        }

        OutboundMessage<Integer> message(int i) {
            OutboundMessage<Integer> m = OutboundMessage.of(GOOD_TOPIC, "good-" + i, values[i], i);
            return i % 3 == 0 ? m.withHeaders(Headers.of("n", Integer.toString(i))) : m;
        }

        void check(Record r) {
            String key = r.keyAsString();
            assertThat(key).startsWith("good-");
            int i = Integer.parseInt(key.substring(5));
            byte[] value = new byte[r.valueLength()];
            r.valueBuffer().get(value);
            assertThat(value).as("value of %s", key).isEqualTo(values[i]);
            assertThat(r.headers().size()).as("headers of %s", key).isEqualTo(i % 3 == 0 ? 1 : 0);
            if (i % 3 == 0) {
                assertThat(new String(r.headers().lastValue("n"), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(i));
            }
            synchronized (seen) {
                if (seen.get(i)) {
                    duplicates.incrementAndGet();
                }
                seen.set(i);
            }
        }

        int received() {
            synchronized (seen) {
                return seen.cardinality();
            }
        }

        int duplicates() {
            return duplicates.get();
        }
    }

    /**
     * Plans connections: a mix of valid frames (after a HELLO or not), mutated valid frames, random frames, wrong
     * and oversized lengths, truncated frames and random bytes, ending with whatever completes the frame the node
     * is still reading (it follows the node's framing) and a {@link #POISON_KIND} frame.
     */
    private static final class Fuzzer {
        private final Random rnd;

        Fuzzer(Random rnd) {
            this.rnd = rnd;
        }

        static final class Connection {
            byte[] bytes;
            int frames;
            boolean clean;
            String description;
            final StringBuilder sent = new StringBuilder();
        }

        Connection connection() {
            Connection c = new Connection();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Framing framing = new Framing(MAX_FRAME);
            int mode = rnd.nextInt(100);
            boolean hello = mode < 90;
            int count;
            double mutate;
            double bad;
            if (mode < 60) {
                c.description = "mostly valid";
                count = 10 + rnd.nextInt(50);
                mutate = 0.03;
                bad = 0.01;
            } else if (mode < 85) {
                c.description = "mutations";
                count = 1 + rnd.nextInt(10);
                mutate = 0.5;
                bad = 0.1;
            } else if (mode < 90) {
                c.description = "bad framing";
                count = 1 + rnd.nextInt(4);
                mutate = 0.2;
                bad = 0.6;
            } else {
                c.description = "no HELLO";
                count = 1 + rnd.nextInt(5);
                mutate = 0.3;
                bad = 0.1;
            }
            c.clean = hello;
            BitSet subscribed = new BitSet();
            if (hello) {
                add(out, framing, TestFrames.hello(rnd.nextInt(4), null), c, "");
                c.frames++;
            }
            for (int i = 0; i < count; i++) {
                double p = rnd.nextDouble();
                byte[] f;
                String what;
                if (p < bad) {
                    f = badFrame();
                    what = "bad ";
                    c.clean = false;
                } else if (p < bad + mutate) {
                    f = mutate(validFrame(subscribed));
                    what = "mutated ";
                    c.clean = false;
                } else {
                    f = validFrame(subscribed);
                    what = "";
                }
                add(out, framing, f, c, what);
                c.frames++;
            }
            if (!framing.failed) {
                // zeros complete the frame being read, if any (a zero kind is invalid: that frame ends it too), or the header of
                // an oversized one, which the node waits for before it answers and closes
                while (!framing.atBoundary() && !framing.failed) {
                    out.write(0);
                    framing.feed((byte) 0);
                    c.clean = false;
                }
                add(out, framing, TestFrames.empty(POISON_KIND, 0), c, "");
                c.frames++;
            }
            c.bytes = out.toByteArray();
            return c;
        }

        private static void add(ByteArrayOutputStream out, Framing framing, byte[] frame, Connection c, String what) {
            out.writeBytes(frame);
            framing.feed(frame);
            c.sent.append(c.sent.length() == 0 ? "" : ", ").append(what)
                    .append(frame.length > Frames.LENGTH_FIELD ? Frames.kindName(frame[Frames.LENGTH_FIELD]) : "noise")
                    .append('(').append(frame.length).append(" bytes)");
        }

        private int stream() {
            return 1 + rnd.nextInt(8);
        }

        private static final int VALID_PREFETCH = 200_000;

        /** A frame a client may send, well formed; a SUBSCRIBE only on a stream not subscribed on this connection. */
        byte[] validFrame(BitSet subscribed) {
            switch (rnd.nextInt(16)) {
                case 0, 1, 2, 3 -> {
                    boolean idempotent = rnd.nextBoolean();
                    byte[] batch = TestFrames.batch(1 + rnd.nextInt(5), idempotent ? rnd.nextInt(4) : -1,
                            idempotent ? rnd.nextInt(6) * 5 : -1, 1_700_000_000_000L + rnd.nextInt(1_000_000));
                    String topic = rnd.nextInt(4) == 0 ? "fuzz-b" : "fuzz-a";
                    return TestFrames.produce(stream(), topic, rnd.nextInt(4), Acks.values()[rnd.nextInt(Acks.values().length)], batch);
                }
                case 4, 5 -> {
                    int s = stream();
                    if (subscribed.get(s)) {
                        subscribed.clear(s);
                        return TestFrames.empty(Frames.UNSUBSCRIBE, s);
                    }
                    subscribed.set(s);
                    StartPosition start = rnd.nextBoolean() ? StartPosition.earliest() : StartPosition.latest();
                    // a prefetch no connection's credits (at most ~100 frames of up to 1,000) can exceed: more is invalid
                    return TestFrames.subscribe(s, ConsumerOptions.create("fuzz-g" + rnd.nextInt(3)).topics("fuzz-a").startPosition(start)
                            .prefetch(VALID_PREFETCH));
                }
                case 6, 7 -> {
                    return TestFrames.credit(stream(), 1 + rnd.nextInt(1000));
                }
                case 8 -> {
                    long[] ids = new long[rnd.nextInt(5)];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = rnd.nextInt(100);
                    }
                    return TestFrames.ack(stream(), ids);
                }
                case 9 -> {
                    return TestFrames.commit(stream(), stream(), rnd.nextInt(100) - 1);
                }
                case 10 -> {
                    return TestFrames.createTopic(stream(), TopicSpec.of("scratch-" + "cdef".charAt(rnd.nextInt(4))).partitions(1 + rnd.nextInt(3)));
                }
                case 11 -> {
                    return TestFrames.named(Frames.DELETE_TOPIC, stream(), "scratch-" + "cdef".charAt(rnd.nextInt(4)));
                }
                case 12 -> {
                    return TestFrames.named(Frames.DESCRIBE_TOPIC, stream(), rnd.nextBoolean() ? "fuzz-a" : "fuzz-x");
                }
                case 13 -> {
                    return TestFrames.named(Frames.DESCRIBE_GROUP, stream(), "fuzz-g" + rnd.nextInt(4));
                }
                case 14 -> {
                    byte[] kinds = {Frames.LIST_TOPICS, Frames.LIST_GROUPS, Frames.METADATA};
                    return TestFrames.empty(kinds[rnd.nextInt(kinds.length)], stream());
                }
                default -> {
                    return TestFrames.empty(Frames.HEARTBEAT, 0);
                }
            }
        }

        /** A valid frame with some bytes changed, cut or added (its length field fixed or not). */
        byte[] mutate(byte[] f) {
            switch (rnd.nextInt(7)) {
                case 0, 1 -> {
                    byte[] m = f.clone();
                    for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
                        m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    return m;
                }
                case 2 -> {
                    byte[] m = f.clone();
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                    return m;
                }
                case 3 -> { // cut, length fixed
                    int keep = Frames.LENGTH_FIELD + Frames.BODY_HEADER + rnd.nextInt(Math.max(1, f.length - 9));
                    byte[] m = Arrays.copyOf(f, Math.min(keep, f.length));
                    ByteBuffer.wrap(m).putInt(0, m.length - Frames.LENGTH_FIELD);
                    return m;
                }
                case 4 -> { // extended, length fixed
                    byte[] extra = new byte[1 + rnd.nextInt(16)];
                    rnd.nextBytes(extra);
                    byte[] m = Arrays.copyOf(f, f.length + extra.length);
                    System.arraycopy(extra, 0, m, f.length, extra.length);
                    ByteBuffer.wrap(m).putInt(0, m.length - Frames.LENGTH_FIELD);
                    return m;
                }
                case 5 -> { // another kind
                    byte[] m = f.clone();
                    m[Frames.LENGTH_FIELD] = (byte) rnd.nextInt(50);
                    return m;
                }
                default -> { // another stream
                    byte[] m = f.clone();
                    ByteBuffer.wrap(m).putInt(Frames.LENGTH_FIELD + 1, rnd.nextInt());
                    return m;
                }
            }
        }

        /** Framing errors and noise. */
        byte[] badFrame() {
            switch (rnd.nextInt(6)) {
                case 0 -> { // random kind and payload
                    byte[] payload = new byte[rnd.nextInt(64)];
                    rnd.nextBytes(payload);
                    return TestFrames.frame((byte) rnd.nextInt(256), rnd.nextInt(10), b -> b.writeBytes(payload));
                }
                case 1 -> { // a length a little off
                    byte[] m = validFrame(new BitSet()).clone();
                    ByteBuffer.wrap(m).putInt(0, m.length - Frames.LENGTH_FIELD + rnd.nextInt(17) - 8);
                    return m;
                }
                case 2 -> { // oversized length
                    return ByteBuffer.allocate(9).putInt(MAX_FRAME + 1 + rnd.nextInt(Integer.MAX_VALUE - MAX_FRAME)).put(Frames.PRODUCE)
                            .putInt(1).array();
                }
                case 3 -> { // negative or below the body header
                    return ByteBuffer.allocate(9).putInt(rnd.nextBoolean() ? -1 - rnd.nextInt(Integer.MAX_VALUE) : rnd.nextInt(5))
                            .put(Frames.HEARTBEAT).putInt(0).array();
                }
                case 4 -> { // truncated, length kept: the node reads the next frame's bytes into it
                    byte[] f = validFrame(new BitSet());
                    return Arrays.copyOf(f, 1 + rnd.nextInt(f.length - 1));
                }
                default -> { // noise
                    byte[] b = new byte[1 + rnd.nextInt(32)];
                    rnd.nextBytes(b);
                    return b;
                }
            }
        }
    }

    /** The node's framing ({@code FrameDecoder}) replayed on what a connection sends: where the node is reading. */
    private static final class Framing {
        private final int max;
        private final byte[] length = new byte[4];
        private int lengthBytes;
        private long bodyLeft;
        /** Bytes of an oversized frame's body header still to come: the node waits for its kind and stream. */
        private int oversizedHeaderLeft;
        boolean failed;

        Framing(int max) {
            this.max = max;
        }

        void feed(byte[] bytes) {
            for (byte b : bytes) {
                feed(b);
            }
        }

        void feed(byte b) {
            if (failed) {
                return;
            }
            if (oversizedHeaderLeft > 0) {
                failed = --oversizedHeaderLeft == 0;
                return;
            }
            if (bodyLeft > 0) {
                bodyLeft--;
                return;
            }
            length[lengthBytes++] = b;
            if (lengthBytes == 4) {
                lengthBytes = 0;
                int n = ByteBuffer.wrap(length).getInt();
                if (n < Frames.BODY_HEADER) {
                    failed = true;
                } else if (n > max) {
                    oversizedHeaderLeft = Frames.BODY_HEADER;
                } else {
                    bodyLeft = n;
                }
            }
        }

        boolean atBoundary() {
            return lengthBytes == 0 && bodyLeft == 0 && oversizedHeaderLeft == 0;
        }
    }
}
