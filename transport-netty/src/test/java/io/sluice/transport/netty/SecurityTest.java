package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.UnauthorizedException;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.transport.netty.internal.Frames;
import io.sluice.transport.netty.internal.RawClient;
import io.sluice.transport.netty.internal.TestFrames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * A node with tokens lets each client do what its token's {@link Access} allows and refuses the rest with
 * {@code UNAUTHORIZED} ({@link UnauthorizedException} on the client), naming what was refused; a refused request
 * leaves nothing behind and the connection carries on. A missing or unknown token is refused at the handshake.
 */
class SecurityTest {
    private static final String ADMIN = "admin-secret";
    private static final String APP = "app-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Its client holds the admin token. */
    private LoopbackNode node;
    /** May read "orders" and write "audit", nothing else. */
    private NettySluice app;

    @BeforeEach
    void start() {
        node = new LoopbackNode(s -> s.token(ADMIN, Access.all()).token(APP, Access.create().read("orders").write("audit")),
                c -> c.token(ADMIN));
        StepVerifier.create(node.admin().createTopic(TopicSpec.of("orders").partitions(2))).verifyComplete();
        StepVerifier.create(node.admin().createTopic(TopicSpec.of("audit"))).verifyComplete();
        app = NettySluice.connect(options().token(APP));
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        node.close();
    }

    private ClientOptions options() {
        return ClientOptions.create().address("127.0.0.1", node.server.port()).connectTimeout(Duration.ofSeconds(5));
    }

    @Test
    void aClientWithoutATokenIsRefusedAtTheHandshake() {
        assertThatThrownBy(() -> NettySluice.connect(options()))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("this node requires a token");
    }

    @Test
    void aClientWithAnUnknownTokenIsRefusedAtTheHandshake() {
        assertThatThrownBy(() -> NettySluice.connect(options().token("guessed")))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("the token is not known");
    }

    @Test
    void theHandshakeRefusalIsAnUnauthorizedErrorFrameThenTheNodeClosesTheConnection() {
        for (String token : new String[] {null, "guessed"}) {
            try (RawClient raw = RawClient.connect(node.server.port())) {
                raw.write(TestFrames.hello(7, token), TIMEOUT);
                RawClient.Frame error = raw.await(f -> true, TIMEOUT);
                assertThat(error.kind()).isEqualTo(Frames.ERROR);
                assertThat(error.stream()).isEqualTo(7);
                assertThat(error.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED.name());
                assertThat(raw.awaitClose(TIMEOUT)).as("closed after the refusal").isTrue();
                assertThat(raw.frames()).hasSize(1);
            }
        }
    }

    @Test
    void producingToATopicTheTokenMayOnlyReadIsRefusedAndAppendsNothing() {
        StepVerifier.create(app.producer(ProducerOptions.create()).send(OutboundMessage.of("orders", "k", bytes("refused"), 1)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnauthorizedException.class)
                        .hasMessage("this token may not write to topic 'orders'"))
                .verify(TIMEOUT);

        StepVerifier.create(node.engine.admin().describeTopic("orders"))
                .assertNext(d -> assertThat(d.partitions()).extracting(TopicDescription.PartitionInfo::endOffset).containsOnly(0L))
                .verifyComplete();
    }

    @Test
    void producingToATopicTheTokenMayWriteIsAppended() {
        StepVerifier.create(app.producer(ProducerOptions.create()).send(OutboundMessage.of("audit", "k", bytes("kept"), 1)))
                .assertNext(r -> assertThat(r.offset()).isZero())
                .verifyComplete();

        StepVerifier.create(node.engine.admin().describeTopic("audit"))
                .assertNext(d -> assertThat(d.partitions().get(0).endOffset()).isEqualTo(1))
                .verifyComplete();
    }

    @Test
    void consumingATopicTheTokenMayNotReadIsRefused() {
        StepVerifier.create(app.consumer(ConsumerOptions.create("g").topics("audit")).receive())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnauthorizedException.class)
                        .hasMessage("this token may not read topic 'audit'"))
                .verify(TIMEOUT);
    }

    @Test
    void consumingATopicTheTokenMayReadReceivesItsRecords() {
        StepVerifier.create(node.producer(ProducerOptions.create()).send(OutboundMessage.of("orders", "k", bytes("order-1"), 1)))
                .expectNextCount(1)
                .verifyComplete();

        StepVerifier.create(app.consumer(ConsumerOptions.create("g").topics("orders")).receive().take(1))
                .assertNext(d -> assertThat(d.record().valueAsString()).isEqualTo("order-1"))
                .verifyComplete();
    }

    @Test
    void creatingOrDeletingATopicWithoutAdminIsRefused() {
        StepVerifier.create(app.admin().createTopic(TopicSpec.of("invented")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnauthorizedException.class)
                        .hasMessage("this token may not create topics"))
                .verify(TIMEOUT);
        StepVerifier.create(app.admin().deleteTopic("orders"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnauthorizedException.class)
                        .hasMessage("this token may not delete topics"))
                .verify(TIMEOUT);

        StepVerifier.create(node.engine.admin().listTopics().sort()).expectNext("audit", "orders").verifyComplete();
    }

    @Test
    void aMissingDeadLetterTopicTheTokenMayNotCreateFailsProcessingSayingSoAndLeavesTheRecordUnacknowledged() {
        StepVerifier.create(node.producer(ProducerOptions.create()).send(OutboundMessage.of("orders", "k", bytes("order-1"), 1)))
                .expectNextCount(1)
                .verifyComplete();

        StepVerifier.create(app.consumer(ConsumerOptions.create("g").topics("orders").deadLetterTopic("orders.dlq"))
                        .process(r -> reactor.core.publisher.Mono.error(new IllegalStateException("cannot bill"))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnauthorizedException.class)
                        .hasMessage("dead-letter topic 'orders.dlq' does not exist and this client may not create it"
                                + " (this token may not create topics): create it with"
                                + " admin().createTopic(TopicSpec.of(\"orders.dlq\")), or use a token that may create topics"))
                .verify(TIMEOUT);

        StepVerifier.create(node.engine.admin().listTopics().sort()).expectNext("audit", "orders").verifyComplete();
        StepVerifier.create(node.consumer(ConsumerOptions.create("g").topics("orders")).receive().take(1))
                .assertNext(d -> assertThat(d.record().offset()).as("delivered again").isZero())
                .verifyComplete();
    }

    @Test
    void anAdminTokenCreatesTopics() {
        StepVerifier.create(node.admin().createTopic(TopicSpec.of("invented"))).verifyComplete();

        StepVerifier.create(node.engine.admin().listTopics().sort()).expectNext("audit", "invented", "orders").verifyComplete();
    }

    @Test
    void everyRefusedRequestIsAnUnauthorizedErrorOnItsOwnStreamAndTheConnectionCarriesOn() {
        try (RawClient raw = RawClient.connect(node.server.port())) {
            raw.write(TestFrames.hello(1, APP), TIMEOUT);
            raw.await(f -> f.kind() == Frames.HELLO_OK, TIMEOUT);

            raw.write(TestFrames.produce(2, "orders", 0, Acks.APPENDED, TestFrames.batch(3, -1, -1, 1_000)), TIMEOUT);
            raw.write(TestFrames.subscribe(3, ConsumerOptions.create("g").topics("audit")), TIMEOUT);
            raw.write(TestFrames.createTopic(4, TopicSpec.of("invented")), TIMEOUT);
            raw.write(TestFrames.named(Frames.DELETE_TOPIC, 5, "orders"), TIMEOUT);
            raw.write(TestFrames.empty(Frames.LIST_TOPICS, 6), TIMEOUT);

            for (int stream = 2; stream <= 5; stream++) {
                int s = stream;
                RawClient.Frame refusal = raw.await(f -> f.stream() == s, TIMEOUT);
                assertThat(refusal.kind()).as("answer on stream %d", s).isEqualTo(Frames.ERROR);
                assertThat(refusal.errorCode()).as("code on stream %d", s).isEqualTo(ErrorCode.UNAUTHORIZED.name());
            }
            RawClient.Frame names = raw.await(f -> f.stream() == 6, TIMEOUT);
            assertThat(names.kind()).isEqualTo(Frames.NAMES);
            assertThat(raw.isClosed()).isFalse();
        }
        StepVerifier.create(node.engine.admin().listTopics().sort()).expectNext("audit", "orders").verifyComplete();
        StepVerifier.create(node.engine.admin().describeTopic("orders"))
                .assertNext(d -> assertThat(d.partitions()).extracting(TopicDescription.PartitionInfo::endOffset).containsOnly(0L))
                .verifyComplete();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
