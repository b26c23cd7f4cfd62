package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.StartPosition;
import io.sluice.errors.RecordTooLargeException;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Records too large for the node's frames: the client knows the node's {@code maxFrameSize} from the handshake,
 * fails such a record's send at once with {@link RecordTooLargeException} without sending anything, and closes
 * batches of smaller records before they outgrow a frame; a batch the node refuses all the same (its limit changed
 * under a queued batch) fails that send alone and is never sent again.
 */
class OversizedRecordTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aRecordBeyondTheNodesFrameLimitFailsWithinASecondWhileASmallSendAndAnAdminCallOnTheSameClientSucceed() {
        try (LoopbackNode node = new LoopbackNode()) { // the node's default maxFrameSize: 16 MiB
            node.admin().createTopic(TopicSpec.of("big")).block(TIMEOUT);
            byte[] twentyMiB = new byte[20 * 1024 * 1024];
            AtomicLong failedAfterNanos = new AtomicLong();

            long started = System.nanoTime();
            StepVerifier tooLarge = StepVerifier.create(node.producer(ProducerOptions.create()).send(OutboundMessage.of("big", twentyMiB))
                            .doOnError(e -> failedAfterNanos.set(System.nanoTime() - started)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RecordTooLargeException.class)
                            .hasMessageStartingWith("record of " + (20 * 1024 * 1024 + 36) + " bytes")
                            // 16 MiB less the PRODUCE frame's body header (5), topic (2 + 3), partition, acks and batch length (9)
                            .hasMessageContaining("at most " + (16 * 1024 * 1024 - 19) + " bytes")
                            .hasMessageContaining("takes frames of at most " + 16 * 1024 * 1024 + " bytes"))
                    .verifyLater();
            StepVerifier small = StepVerifier.create(node.producer(ProducerOptions.create()).send(OutboundMessage.of("big", new byte[1024])))
                    .assertNext(r -> assertThat(r.offset()).as("the first record the node took").isZero())
                    .expectComplete().verifyLater();
            StepVerifier described = StepVerifier.create(node.admin().describeTopic("big"))
                    .assertNext(t -> assertThat(t.name()).isEqualTo("big")).expectComplete().verifyLater();

            tooLarge.verify(TIMEOUT);
            small.verify(TIMEOUT);
            described.verify(TIMEOUT);
            Duration failedAfter = Duration.ofNanos(failedAfterNanos.get());
            System.out.printf("OversizedRecordTest: the 20 MiB record failed after %d ms; connections %d%n", failedAfter.toMillis(),
                    node.client.connections());
            assertThat(failedAfter).as("time to fail the 20 MiB record").isLessThan(Duration.ofSeconds(1));
            assertThat(node.client.connections()).as("connections made: no reconnect").isEqualTo(1);
            assertThat(node.engine.admin().describeTopic("big").block(TIMEOUT).partitions().get(0).endOffset())
                    .as("records on the node").isEqualTo(1);
        }
    }

    @Test
    void batchesStayWithinTheNodesFrameLimitWhateverTheBatchSizeAndTheLargestRecordThatFitsGoesThrough() {
        try (LoopbackNode node = new LoopbackNode(s -> s.maxFrameSize(64 * 1024), c -> c)) {
            node.admin().createTopic(TopicSpec.of("t")).block(TIMEOUT);
            // a 1 MiB batch size and a linger that lets 200 KiB gather: each batch must still fit in a 64 KiB frame
            Flux<OutboundMessage<Integer>> records = Flux.range(0, 200).map(i -> OutboundMessage.of("t", (String) null, new byte[1024], i));
            StepVerifier.create(node.producer(ProducerOptions.create().batchSize(1 << 20).linger(Duration.ofMillis(50))).send(records))
                    .expectNextCount(200).expectComplete().verify(TIMEOUT);

            // 64 KiB less the frame's overhead for topic "t" (19 - 2 = 17), the batch header (55) and the record's most overhead (36)
            int largestValue = 64 * 1024 - 17 - 55 - 36;
            StepVerifier.create(node.producer(ProducerOptions.create()).send(OutboundMessage.of("t", new byte[largestValue])))
                    .expectNextCount(1).expectComplete().verify(TIMEOUT);
            StepVerifier.create(node.producer(ProducerOptions.create()).send(OutboundMessage.of("t", new byte[largestValue + 1])))
                    .expectError(RecordTooLargeException.class).verify(TIMEOUT);
            assertThat(node.client.connections()).as("connections made").isEqualTo(1);
        }
    }

    @Test
    void recordsWaitingBeyondOneDeliverFramesWorthLeaveInSeveralFramesInOrderEachOnce() {
        try (LoopbackNode node = new LoopbackNode(s -> s, c -> c)) {
            node.admin().createTopic(TopicSpec.of("t").partitions(1)).block(TIMEOUT);
            // 400 KiB waiting when the member subscribes: more than the 256 KiB one DELIVER frame holds
            Flux<OutboundMessage<Integer>> records = Flux.range(0, 400).map(i -> OutboundMessage.of("t", (String) null, new byte[1024], i));
            StepVerifier.create(node.producer(ProducerOptions.create()).send(records)).expectNextCount(400).expectComplete().verify(TIMEOUT);

            StepVerifier.create(node.consumer(ConsumerOptions.create("g").topics("t").prefetch(1000).startPosition(StartPosition.earliest()))
                            .receive().take(400).map(d -> d.record().offset()).collectList())
                    .assertNext(offsets -> assertThat(offsets).isEqualTo(LongStream.range(0, 400).boxed().toList()))
                    .expectComplete().verify(TIMEOUT);
        }
    }

    @Test
    void aBatchTheNodeRefusesAsTooLargeFailsItsSendAloneAndIsNotSentAgain() {
        Sluice engine = Sluice.embedded(EngineOptions.create().name("refusing"));
        SluiceServer roomy = SluiceServer.start(engine, ServerOptions.create().port(0).maxFrameSize(1024 * 1024));
        int port = roomy.port();
        SluiceServer strict = null;
        try (NettySluice client = NettySluice.connect(ClientOptions.create().address("127.0.0.1", port))) {
            client.admin().createTopic(TopicSpec.of("t")).block(TIMEOUT);
            roomy.close();
            StepVerifier.create(Mono.fromCallable(client::isConnected).filter(connected -> !connected)
                            .repeatWhenEmpty(400, r -> r.delayElements(Duration.ofMillis(25))))
                    .expectNext(false).verifyComplete();

            // fits the 1 MiB the last handshake told, so it waits to be sent again; the node that comes back takes 64 KiB
            StepVerifier refused = StepVerifier.create(client.producer(ProducerOptions.create()).send(OutboundMessage.of("t", new byte[200_000])))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RecordTooLargeException.class)
                            .hasMessageStartingWith("the node refused the batch of t-0 (1 records, ")
                            .hasMessageContaining("PRODUCE frame of ").hasMessageContaining("exceeds the maximum of 65536"))
                    .verifyLater();
            strict = SluiceServer.start(engine, ServerOptions.create().port(port).maxFrameSize(64 * 1024));
            refused.verify(TIMEOUT);

            // the client reconnects (the node closed the connection after refusing the frame) and carries on
            StepVerifier.create(client.producer(ProducerOptions.create()).send(OutboundMessage.of("t", new byte[1024]))).assertNext(r -> assertThat(r.offset()).isZero()).expectComplete().verify(TIMEOUT);
            assertThat(client.connections()).as("connections: the first node, the refusing one, the one after it").isEqualTo(3);
        } finally {
            if (strict != null) {
                strict.close();
            }
            roomy.close(); // again: a second close does nothing
            engine.close();
        }
    }
}
