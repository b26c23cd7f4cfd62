package io.sluice.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import io.sluice.transport.netty.NettySluice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** {@code @SluiceTest(node = true)}: the engine is served on a free port and the test's {@link Sluice} is its client. */
@SluiceTest(node = true)
@SluiceTopic(name = "orders", partitions = 2)
class NodeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void theInjectedSluiceIsAClientOfTheNodeOnAFreePort(Sluice sluice, SluiceTestKit kit) {
        assertThat(kit.hasNode()).isTrue();
        assertThat(sluice).isInstanceOf(NettySluice.class).isSameAs(kit.client()).isNotSameAs(kit.engine());
        assertThat(kit.address().getHostString()).isEqualTo("127.0.0.1");
        assertThat(kit.address().getPort()).isPositive();
        assertThat(kit.client().connections()).isEqualTo(1);
    }

    @Test
    void whatTheClientSendsReachesTheEngineAndWhatTheKitSendsReachesTheClient(Sluice sluice, SluiceTestKit kit) {
        // the annotation's topics are known to the client from its handshake: it can send to them at once
        sluice.producer(ProducerOptions.create())
                .send(OutboundMessage.of("orders", "k", "over tcp".getBytes(StandardCharsets.UTF_8), 1)).block(TIMEOUT);
        assertThat(kit.awaitRecords("orders", 1, TIMEOUT)).extracting(Record::valueAsString).containsExactly("over tcp");

        kit.send("orders", "k", "from the kit");
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("remote").topics("orders")).receiveAutoAck()
                        .map(Record::valueAsString).take(2))
                .expectNext("over tcp", "from the kit").expectComplete().verify(TIMEOUT);
    }

    @Test
    void aTopicTheKitCreatesIsKnownToTheClientAndToClientsConnectedLater(Sluice sluice, SluiceTestKit kit) {
        kit.createTopic("later", 3);
        sluice.producer(ProducerOptions.create())
                .send(OutboundMessage.of("later", "k", "v".getBytes(StandardCharsets.UTF_8), 1)).block(TIMEOUT);

        NettySluice second = kit.connect(kit.clientOptions().clientId("second"));
        assertThat(second).isNotSameAs(sluice);
        second.producer(ProducerOptions.create())
                .send(OutboundMessage.of("later", "k", "w".getBytes(StandardCharsets.UTF_8), 1)).block(TIMEOUT);
        StepVerifier.create(kit.records("later").map(Record::valueAsString))
                .expectNext("v", "w").expectComplete().verify(TIMEOUT);
    }
}
