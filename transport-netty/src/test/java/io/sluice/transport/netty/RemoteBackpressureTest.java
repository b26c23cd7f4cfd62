package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.testing.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A remote consumer taking about one record a millisecond with prefetch 10, and a remote producer ten times
 * faster: the client never holds more records than it granted credits for (the node sends only what was
 * requested), the node's topic stays within its backlog bound, the producer is held back across the network, and
 * the node's outbound buffers stay small.
 */
class RemoteBackpressureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PREFETCH = 10;
    private static final long MAX_BACKLOG = 200;
    private static final int N = 2_000;

    private final LoopbackNode node = new LoopbackNode();

    @AfterEach
    void close() {
        node.close();
    }

    private long backlog() {
        return node.meterRegistry().get(SluiceMeters.BACKLOG).tag(SluiceMeters.TAG_TOPIC, "slow").gauges().stream()
                .mapToLong(g -> (long) g.value()).max().orElse(0);
    }

    @Test
    void aSlowRemoteConsumerHoldsBackAFastRemoteProducerWithinCreditsAndBounds() {
        node.admin().createTopic(TopicSpec.of("slow").maxBacklog(MAX_BACKLOG).overflow(OverflowPolicy.BACKPRESSURE)).block(TIMEOUT);
        AtomicLong worstBacklog = new AtomicLong();
        AtomicLong worstOutbound = new AtomicLong();
        List<Long> received = new ArrayList<>();
        var consumer = node.consumer(ConsumerOptions.create("slow").topics("slow").prefetch(PREFETCH).commitInterval(Duration.ZERO));
        Flux<Long> consuming = consumer.receive()
                .concatMap(d -> Mono.delay(Duration.ofMillis(1)).thenReturn(d), 1)
                .doOnNext(d -> {
                    received.add(Messages.seq(d.record()));
                    d.ack();
                    worstBacklog.accumulateAndGet(backlog(), Math::max);
                    worstOutbound.accumulateAndGet(node.server.outboundBytes(), Math::max);
                })
                .map(d -> d.record().offset())
                .take(N);
        Flux<OutboundMessage<Long>> fast = Flux.interval(Duration.ofMillis(1))
                .onBackpressureDrop() // a held-back producer skips its slots
                .concatMapIterable(tick -> List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9))
                .index()
                .map(t -> OutboundMessage.of("slow", (String) null, Messages.value(t.getT1(), 100), t.getT1()))
                .take(N);
        Flux<Long> producing = node.producer(ProducerOptions.create().maxPending(64)).send(fast)
                .doOnNext(r -> worstBacklog.accumulateAndGet(backlog(), Math::max))
                .map(r -> r.offset());
        // the group joins before anything is produced, so that its position counts from the start
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> consumed =
                new java.util.concurrent.atomic.AtomicReference<>();
        StepVerifier.create(consumer.rebalances().take(1))
                .then(() -> consumed.set(consuming.then().toFuture()))
                .expectNextCount(1)
                .verifyComplete();
        StepVerifier.create(producing.then().and(Mono.fromFuture(consumed.get()))).expectComplete().verify(TIMEOUT);

        DistributionSummary buffered = node.meterRegistry().get(SluiceMeters.CONSUMER_BUFFERED).tag(SluiceMeters.TAG_GROUP, "slow").summary();
        System.out.printf("RemoteBackpressureTest: client buffered at most %.0f records (prefetch %d) over %d delivery frames;"
                        + " backlog at most %d (bound %d); node outbound at most %d bytes%n",
                buffered.max(), PREFETCH, buffered.count(), worstBacklog.get(), MAX_BACKLOG, worstOutbound.get());
        assertThat(buffered.count()).as("delivery frames seen").isPositive();
        assertThat(buffered.max()).as("records the client held beyond its subscriber's demand").isLessThanOrEqualTo(PREFETCH);
        assertThat(worstBacklog.get()).isLessThanOrEqualTo(MAX_BACKLOG);
        assertThat(worstBacklog.get()).as("the producer was actually held back").isGreaterThan(MAX_BACKLOG / 2);
        // at most the credits' worth of DELIVER frames (10 records of ~150 bytes) and a few acknowledgements
        assertThat(worstOutbound.get()).as("node outbound bytes").isLessThanOrEqualTo(16 * 1024);
        assertThat(received).hasSize(N);
        for (int i = 0; i < N; i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
    }
}
