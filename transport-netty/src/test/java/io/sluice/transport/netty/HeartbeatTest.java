package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.transport.netty.internal.Frames;
import io.sluice.transport.netty.internal.RawClient;
import io.sluice.transport.netty.internal.TestFrames;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats and dead-peer detection: a node sends heartbeats on a quiet connection, and closes a connection whose
 * client has said nothing for three intervals; a client that answers stays connected.
 */
class HeartbeatTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Sluice engine;
    private SluiceServer server;

    @BeforeEach
    void start() {
        engine = Sluice.embedded(EngineOptions.create().name("heartbeats"));
        server = SluiceServer.start(engine, ServerOptions.create().port(0).heartbeat(HEARTBEAT));
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
    }

    @Test
    void aSilentClientIsDroppedAfterThreeIntervalsAndHeardHeartbeatsMeanwhile() {
        try (RawClient silent = RawClient.connect(server.port())) {
            silent.write(TestFrames.hello(1, null), TIMEOUT);
            silent.await(f -> f.kind() == Frames.HELLO_OK, TIMEOUT);
            long start = System.nanoTime();
            assertThat(silent.awaitClose(TIMEOUT)).as("the node closed the silent connection").isTrue();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("closed after about three intervals, not at once").isGreaterThanOrEqualTo(2 * HEARTBEAT.toMillis());
            assertThat(silent.frames()).as("heartbeats the node sent while it waited").anyMatch(f -> f.kind() == Frames.HEARTBEAT);
        }
    }

    @Test
    void aClientThatSendsHeartbeatsStaysConnected() {
        try (NettySluice client = NettySluice.connect(ClientOptions.create().address("127.0.0.1", server.port()).heartbeat(HEARTBEAT))) {
            // ten intervals of silence from the application: the client's heartbeats keep the connection
            reactor.test.StepVerifier.create(reactor.core.publisher.Mono.delay(HEARTBEAT.multipliedBy(10))).expectNextCount(1)
                    .verifyComplete();
            assertThat(client.admin().listTopics().collectList().block(TIMEOUT)).isEmpty();
            assertThat(client.connections()).as("no reconnect").isEqualTo(1);
            assertThat(server.connections()).isEqualTo(1);
        }
    }
}
