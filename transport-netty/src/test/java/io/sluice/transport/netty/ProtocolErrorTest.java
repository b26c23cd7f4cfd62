package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.ErrorCode;
import io.sluice.producer.Acks;
import io.sluice.transport.netty.internal.Frames;
import io.sluice.transport.netty.internal.RawClient;
import io.sluice.transport.netty.internal.TestFrames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * A frame that ends a connection (malformed, oversized) comes after the answers to the frames before it: those
 * answers reach the client, then the ERROR, then the node closes the connection. An oversized frame's ERROR goes on
 * its own stream, so that a client fails that request instead of sending it again.
 */
class ProtocolErrorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Sluice engine;
    private SluiceServer server;

    @BeforeEach
    void start() {
        engine = Sluice.embedded(EngineOptions.create().name("protocol-errors"));
        server = SluiceServer.start(engine, ServerOptions.create().port(0).maxFrameSize(4096));
        StepVerifier.create(engine.admin().createTopic(TopicSpec.of("t"))).verifyComplete();
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
    }

    @Test
    void theAnswerToAFrameBeforeAMalformedOneIsWrittenBeforeTheFatalError() {
        assertAnswersThenFatal(TestFrames.empty((byte) 99, 0), ErrorCode.INVALID_FRAME.name());
    }

    @Test
    void theAnswerToAFrameBeforeAnOversizedOneIsWrittenBeforeTheFatalError() {
        assertAnswersThenFatal(ByteBuffer.allocate(9).putInt(1 << 20).put(Frames.METADATA).putInt(3).array(), ErrorCode.FRAME_TOO_LARGE.name());
    }

    @Test
    void anOversizedProduceIsRefusedOnItsOwnStreamNamingItsSizeAndTheMaximumBeforeTheNodeClosesTheConnection() {
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(TestFrames.hello(1, null), TIMEOUT);
            raw.await(f -> f.kind() == Frames.HELLO_OK, TIMEOUT);
            // only the header of a PRODUCE frame of 5,000 bytes: the node decides before the rest comes
            raw.write(ByteBuffer.allocate(9).putInt(5_000).put(Frames.PRODUCE).putInt(7).array(), TIMEOUT);

            assertThat(raw.awaitClose(TIMEOUT)).isTrue();
            RawClient.Frame error = raw.frames().get(raw.frames().size() - 1);
            assertThat(error.kind()).isEqualTo(Frames.ERROR);
            assertThat(error.stream()).as("the refused request's stream").isEqualTo(7);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE.name());
            assertThat(error.errorMessage()).isEqualTo("PRODUCE frame of 5000 bytes exceeds the maximum of 4096");
        }
    }

    @Test
    void theHandshakeTellsTheClientTheNodesMaximumFrameSize() {
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(TestFrames.hello(1, null), TIMEOUT);
            RawClient.Frame ok = raw.await(f -> f.kind() == Frames.HELLO_OK, TIMEOUT);

            assertThat(TestFrames.helloOkMaxFrameSize(ok.body())).isEqualTo(4096);
        }
    }

    @Test
    void aSubscribeWithACommitIntervalBeyondWhatTheNodeSchedulesIsAnInvalidFrameNamingIt() {
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(TestFrames.hello(1, null), TIMEOUT);
            raw.await(f -> f.kind() == Frames.HELLO_OK, TIMEOUT);
            raw.write(TestFrames.subscribe(2, ConsumerOptions.create("g").topics("t").commitInterval(Duration.ofMillis(Long.MAX_VALUE))),
                    TIMEOUT);

            RawClient.Frame error = raw.await(f -> f.kind() == Frames.ERROR, TIMEOUT);
            assertThat(error.stream()).isEqualTo(2);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.INVALID_FRAME.name());
            assertThat(error.errorMessage()).isEqualTo("invalid SUBSCRIBE frame: commit interval " + Long.MAX_VALUE
                    + " ms exceeds the longest a node schedules, " + Long.MAX_VALUE / 1_000_000 + " ms");
            assertThat(raw.awaitClose(TIMEOUT)).isTrue();
        }
    }

    /** HELLO, a PRODUCE with a corrupt batch (answered CORRUPT_BATCH, not fatal) and {@code fatal}, in one write. */
    private void assertAnswersThenFatal(byte[] fatal, String fatalCode) {
        byte[] batch = TestFrames.batch(2, -1, -1, 1_000);
        batch[batch.length - 1] ^= 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(TestFrames.hello(1, null));
        out.writeBytes(TestFrames.produce(2, "t", 0, Acks.APPENDED, batch));
        out.writeBytes(fatal);
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(out.toByteArray(), TIMEOUT);

            assertThat(raw.awaitClose(TIMEOUT)).isTrue();
            assertThat(raw.wasReset()).isFalse();
            assertThat(raw.frames()).extracting(RawClient.Frame::kind).containsExactly(Frames.HELLO_OK, Frames.ERROR, Frames.ERROR);
            assertThat(raw.frames().get(1).stream()).isEqualTo(2);
            assertThat(raw.frames().get(1).errorCode()).isEqualTo(ErrorCode.CORRUPT_BATCH.name());
            assertThat(raw.frames().get(2).errorCode()).isEqualTo(fatalCode);
        }
    }
}
