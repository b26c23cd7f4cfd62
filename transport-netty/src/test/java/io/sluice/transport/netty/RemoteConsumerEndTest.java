package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.producer.ProducerOptions;
import io.sluice.testing.DroppedErrors;
import io.sluice.testing.Messages;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** How a remote consumer's subscription ends when its client closes: what it acknowledged is committed first, and nothing throws. */
class RemoteConsumerEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static void produce(LoopbackNode node, int count) {
        StepVerifier.create(node.admin().createTopic(TopicSpec.of("orders"))).verifyComplete();
        StepVerifier.create(node.producer(ProducerOptions.create()).send(Messages.sequence("orders", count, i -> "key-" + i % 97)))
                .expectNextCount(count)
                .verifyComplete();
    }

    @Test
    void closingTheClientCommitsWhatItsConsumersAcknowledgedBeforeItReturns() {
        try (LoopbackNode node = new LoopbackNode()) {
            produce(node, 100);
            Sinks.Empty<Void> readAll = Sinks.empty();
            node.consumer(ConsumerOptions.create("g").topics("orders").commitInterval(Duration.ZERO)).receive()
                    .doOnNext(d -> {
                        if (d.record().offset() < 40) {
                            d.ack();
                        } else if (d.record().offset() == 99) {
                            readAll.tryEmitEmpty();
                        }
                    })
                    .subscribe(null, e -> { });
            StepVerifier.create(readAll.asMono()).expectComplete().verify(TIMEOUT);
            node.client.close(); // the subscription is still open
            StepVerifier.create(node.engine.admin().describeGroup("g"))
                    .assertNext(g -> assertThat(g.partitions()).singleElement()
                            .satisfies(p -> assertThat(p.committedOffset()).isEqualTo(40)))
                    .verifyComplete();
        }
    }

    @Test
    void closingRightAfterATakenProcessStreamNeverThrows() {
        assertThat(DroppedErrors.during(() -> closeRightAfterTakenProcessStreams())).as("errors Reactor dropped").isEmpty();
    }

    private static void closeRightAfterTakenProcessStreams() {
        for (int round = 0; round < 25; round++) {
            LoopbackNode node = new LoopbackNode();
            produce(node, 300);
            Consumer consumer = node.consumer(ConsumerOptions.create("g").topics("orders").concurrency(64).ordering(Ordering.PER_KEY));
            assertThat(consumer.process(r -> Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(6)))).take(100)
                    .count().block(TIMEOUT)).isEqualTo(100);
            int r = round;
            assertThatCode(node::close).as("close in round %d", r).doesNotThrowAnyException();
        }
    }
}
