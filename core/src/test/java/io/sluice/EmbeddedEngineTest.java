package io.sluice;

import static io.sluice.testing.Messages.seq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.Result;
import io.sluice.errors.ClosedException;
import io.sluice.metrics.SluiceMeters;
import io.sluice.partition.Partitioners;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.testing.DurableMemoryStore;
import io.sluice.testing.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** What the embedded engine does beyond the contract: meters, time, closing, partition balance at scale. */
class EmbeddedEngineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final Sluice sluice = Sluice.embedded(EngineOptions.create().meterRegistry(registry).name("test-node"));

    @AfterEach
    void close() {
        sluice.close();
    }

    @Test
    void weightedPartitionerSplitsAMillionSendsWithinTwoPercentOfItsWeights() {
        sluice.admin().createTopic(TopicSpec.of("weighted").partitions(4).maxBacklog(1_000_000)).block();
        double[] weights = {1, 2, 3, 4};
        var producer = sluice.producer(ProducerOptions.create().partitioner(Partitioners.weighted(weights)));
        StepVerifier.create(producer.send(Flux.range(0, 1_000_000).map(i -> OutboundMessage.of("weighted", Messages.value(i, 8)))))
                .expectNextCount(1_000_000)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeTopic("weighted"))
                .assertNext(t -> {
                    for (int p = 0; p < 4; p++) {
                        double expected = 1_000_000 * weights[p] / 10;
                        assertThat((double) t.partitions().get(p).endOffset()).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(2));
                    }
                })
                .verifyComplete();
    }

    @Test
    void lingerHoldsABatchOpenUntilItsTimeIsUp() {
        sluice.admin().createTopic(TopicSpec.of("linger")).block();
        var producer = sluice.producer(ProducerOptions.create().linger(Duration.ofSeconds(1)));
        StepVerifier.withVirtualTime(() -> producer.send(Flux.concat(Messages.sequence("linger", 3, null), Flux.never())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(3)
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void metersCountWhatHappened() {
        sluice.admin().createTopic(TopicSpec.of("metered").partitions(2)).block();
        int n = 1_000;
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(Messages.sequence("metered", n, i -> "k" + i)))
                .expectNextCount(n).verifyComplete();
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("meters").topics("metered")).receive().take(n)
                        .concatMap(d -> d.commit().thenReturn(d)))
                .expectNextCount(n).expectComplete().verify(TIMEOUT);

        assertThat(registry.get(SluiceMeters.RECORDS_IN).tag("topic", "metered").tag("node", "test-node").counter().count()).isEqualTo(n);
        assertThat(registry.get(SluiceMeters.BYTES_IN).tag("topic", "metered").counter().count())
                .isEqualTo(n * 16.0 + sumOfKeyLengths(n));
        assertThat(registry.get(SluiceMeters.RECORDS_OUT).tag("topic", "metered").tag("group", "meters").counter().count()).isEqualTo(n);
        assertThat(registry.get(SluiceMeters.BYTES_OUT).tag("topic", "metered").tag("group", "meters").counter().count())
                .isEqualTo(n * 16.0 + sumOfKeyLengths(n));
        // sampled: the records whose offset is a multiple of 16, in each partition
        long sampled = sluice.admin().describeTopic("metered").block().partitions().stream()
                .mapToLong(p -> (p.endOffset() + 15) / 16).sum();
        assertThat(registry.get(SluiceMeters.E2E_LATENCY).tag("group", "meters").timer().count()).isEqualTo(sampled);
        assertThat(registry.get(SluiceMeters.SEND_LATENCY).tag("topic", "metered").timer().count()).isPositive();
        assertThat(registry.get(SluiceMeters.REBALANCES).tag("group", "meters").counter().count()).isEqualTo(2); // join, leave
        assertThat(registry.get(SluiceMeters.CONSUMER_LAG).tag("group", "meters").gauges()).hasSize(2)
                .allSatisfy(g -> assertThat(g.value()).isZero());
        assertThat(registry.get(SluiceMeters.BACKLOG).tag("topic", "metered").gauges()).hasSize(2)
                .allSatisfy(g -> assertThat(g.value()).isZero());
        assertThat(registry.get(SluiceMeters.RECORDS_DROPPED).tag("topic", "metered").counter().count()).isZero();
    }

    @Test
    void metersCountRetriesAndDeadLetters() {
        sluice.admin().createTopic(TopicSpec.of("failing")).block();
        sluice.admin().createTopic(TopicSpec.of("failing.dlt")).block();
        int n = 4;
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(Messages.sequence("failing", n, null)))
                .expectNextCount(n).verifyComplete();
        // even records fail every attempt (3: the first and 2 retries, then dead-lettered); odd ones fail only the first
        Map<Long, AtomicInteger> attempts = new ConcurrentHashMap<>();
        var consumer = sluice.consumer(ConsumerOptions.create("retrying").topics("failing")
                .retry(Retry.max(2)).deadLetterTopic("failing.dlt"));
        StepVerifier.create(consumer.process(r -> {
                            long seq = seq(r);
                            int attempt = attempts.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
                            return seq % 2 == 0 || attempt == 1 ? Mono.error(new IllegalStateException("fails " + seq)) : Mono.empty();
                        }).take(n))
                .recordWith(ArrayList::new)
                .expectNextCount(n)
                .consumeRecordedWith(results -> assertThat(results).hasSize(n).allSatisfy(r -> {
                    boolean even = seq(r.record()) % 2 == 0;
                    assertThat(r.outcome()).isEqualTo(even ? Result.Outcome.DEAD_LETTERED : Result.Outcome.PROCESSED);
                    assertThat(r.attempts()).isEqualTo(even ? 3 : 2);
                }))
                .expectComplete().verify(TIMEOUT);

        assertThat(registry.get(SluiceMeters.RETRIES).tag("topic", "failing").tag("group", "retrying").counter().count())
                .isEqualTo(2 + 1 + 2 + 1);
        assertThat(registry.get(SluiceMeters.DEAD_LETTERS).tag("topic", "failing").tag("group", "retrying").counter().count())
                .isEqualTo(2);
        assertThat(sluice.admin().describeTopic("failing.dlt").block().partitions().get(0).endOffset()).isEqualTo(2);
    }

    @Test
    void storeMetersCountEachBatchTheEngineHandsADurableStore() {
        var store = new DurableMemoryStore();
        var storeRegistry = new SimpleMeterRegistry();
        try (Sluice stored = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).meterRegistry(storeRegistry).name("stored"))) {
            stored.admin().createTopic(TopicSpec.of("kept")).block();
            var producer = stored.producer(ProducerOptions.create());
            for (int i = 0; i < 3; i++) { // three sends one after another: at least three batches
                StepVerifier.create(producer.send(Messages.sequence("kept", 10, null))).expectNextCount(10).verifyComplete();
            }
            var batchRecords = storeRegistry.get(SluiceMeters.STORE_BATCH_RECORDS).tag("store", "durable-memory").tag("node", "stored")
                    .summary();
            assertThat(batchRecords.totalAmount()).isEqualTo(30);
            assertThat(batchRecords.count()).isEqualTo(store.writes()).isGreaterThanOrEqualTo(3);
            // every batch acknowledged was stored, and its store latency recorded
            assertThat(storeRegistry.get(SluiceMeters.STORE_APPEND_LATENCY).tag("store", "durable-memory").timer().count())
                    .isEqualTo(store.writes());
            assertThat(storeRegistry.get(SluiceMeters.STORE_APPEND_FAILURES).tag("store", "durable-memory").counter().count()).isZero();
        }
    }

    @Test
    void retentionEvictsRecordsASlowGroupHasNotReadAndCountsThemAsDropped() {
        sluice.admin().createTopic(TopicSpec.of("retained").retentionRecords(10)).block();
        var slow = sluice.consumer(ConsumerOptions.create("slow").topics("retained"));
        BaseSubscriber<Delivery> readsNothing = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // no demand: the member joins and reads nothing
            }
        };
        StepVerifier.create(slow.rebalances().take(1))
                .then(() -> slow.receive().subscribe(readsNothing))
                .expectNextCount(1).verifyComplete();
        var producer = sluice.producer(ProducerOptions.create());
        for (int i = 0; i < 3; i++) { // three sends of 10: batches never span two sends, so offsets 10 and 20 start one
            StepVerifier.create(producer.send(Messages.sequence("retained", 10, null))).expectNextCount(10).verifyComplete();
        }
        // whole batches go while the rest still holds 10 records: offsets 0..19 are evicted, none of them read by "slow"
        assertThat(sluice.admin().describeTopic("retained").block().partitions().get(0).startOffset()).isEqualTo(20);
        assertThat(registry.get(SluiceMeters.RECORDS_DROPPED).tag("topic", "retained").counter().count()).isEqualTo(20);
        readsNothing.dispose();

        StepVerifier.create(sluice.consumer(ConsumerOptions.create("slow").topics("retained")).receive().take(1))
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(20))
                .verifyComplete();
    }

    private static long sumOfKeyLengths(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += ("k" + i).length();
        }
        return sum;
    }

    @Test
    void closingTheEngineEndsConsumersAndSendsAndRefusesNewWork() {
        sluice.admin().createTopic(TopicSpec.of("closing")).block();
        var received = sluice.consumer(ConsumerOptions.create("g").topics("closing")).receive();
        StepVerifier.create(received)
                .then(sluice::close)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ClosedException.class).hasMessageContaining("test-node"))
                .verify(TIMEOUT);
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of("after")))
                .expectError(ClosedException.class).verify(TIMEOUT);
        StepVerifier.create(sluice.admin().listTopics()).expectError(ClosedException.class).verify(TIMEOUT);
        assertThatThrownBy(() -> sluice.producer(ProducerOptions.create())).isInstanceOf(ClosedException.class)
                .hasMessage("engine 'test-node' is closed");
        assertThatThrownBy(() -> sluice.consumer(ConsumerOptions.create("g").topics("closing"))).isInstanceOf(ClosedException.class);
    }

    @Test
    void closingTheEngineFailsASendWaitingForRoom() {
        sluice.admin().createTopic(TopicSpec.of("blocked").maxBacklog(10)).block();
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("g").topics("blocked")).receive().take(Duration.ofMillis(20)))
                .verifyComplete();
        // batches close only when full (10 records, maxBacklog) or at the end: the first one fits, the rest wait
        StepVerifier.create(sluice.producer(ProducerOptions.create().linger(Duration.ofHours(1))).send(Messages.sequence("blocked", 100, null)))
                .expectNextCount(10)
                .then(sluice::close)
                .expectError(ClosedException.class)
                .verify(TIMEOUT);
    }

    /**
     * On a non-blocking thread {@code close()} must not wait for the sends to drain: it returns at once, and a send
     * whose records wait for their linger fails with {@link ClosedException} without results, as before the drain.
     */
    @Test
    void closingOnANonBlockingThreadDoesNotWaitForSendsAndFailsThem() {
        sluice.admin().createTopic(TopicSpec.of("nonblocking")).block();
        AtomicInteger taken = new AtomicInteger();
        StepVerifier.create(sluice.producer(ProducerOptions.create().linger(Duration.ofHours(1)))
                        .send(Messages.sequence("nonblocking", 10, null).doOnNext(m -> taken.incrementAndGet()).concatWith(Flux.never())))
                .expectSubscription()
                .then(() -> assertThat(taken.get()).isEqualTo(10))
                .then(() -> {
                    long start = System.nanoTime();
                    Mono.fromRunnable(sluice::close).subscribeOn(reactor.core.scheduler.Schedulers.parallel()).block(TIMEOUT);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                })
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ClosedException.class).hasMessage("engine 'test-node' is closed"))
                .verify(TIMEOUT);
    }

    @Test
    void aConsumerTakesOneSubscriptionAtATime() {
        sluice.admin().createTopic(TopicSpec.of("once")).block();
        var consumer = sluice.consumer(ConsumerOptions.create("g").topics("once"));
        var first = consumer.receive().subscribe();
        try {
            StepVerifier.create(consumer.receive())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("already subscribed"))
                    .verify(TIMEOUT);
        } finally {
            first.dispose();
        }
    }

    @Test
    void receiveHonoursDemandExactly() {
        sluice.admin().createTopic(TopicSpec.of("demand")).block();
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(Messages.sequence("demand", 100, null)))
                .expectNextCount(100).verifyComplete();
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("g").topics("demand").prefetch(8)).receive().map(Delivery::record), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(3)
                .assertNext(r -> assertThat(seq(r)).isZero())
                .expectNextCount(2)
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(1)
                .assertNext(r -> assertThat(seq(r)).isEqualTo(3))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void sendStopsRequestingWhenResultsAreNotConsumed() {
        sluice.admin().createTopic(TopicSpec.of("pending")).block();
        var requested = new java.util.concurrent.atomic.AtomicLong();
        Flux<OutboundMessage<Long>> upstream = Messages.sequence("pending", 100_000, null).doOnRequest(n -> requested.addAndGet(Math.min(n, 1_000_000)));
        StepVerifier.create(sluice.producer(ProducerOptions.create().maxPending(100)).send(upstream), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> assertThat(requested.get()).isEqualTo(100))
                .thenRequest(10)
                .expectNextCount(10)
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(requested.get()).isLessThanOrEqualTo(110);
    }

    @Test
    void badOptionsAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> ConsumerOptions.create("g").prefetch(-1)).hasMessage("prefetch must be > 0, was -1");
        assertThatThrownBy(() -> ConsumerOptions.create("g").concurrency(0)).hasMessage("concurrency must be > 0, was 0");
        assertThatThrownBy(() -> ConsumerOptions.create("bad group")).hasMessageContaining("group may only contain");
        assertThatThrownBy(() -> ConsumerOptions.create("g").weight(-2)).hasMessageContaining("weight must be");
        assertThatThrownBy(() -> ProducerOptions.create().batchSize(0)).hasMessage("batchSize must be > 0, was 0");
        assertThatThrownBy(() -> ProducerOptions.create().maxInFlight(-5)).hasMessage("maxInFlight must be > 0, was -5");
        assertThatThrownBy(() -> ProducerOptions.create().linger(Duration.ofMillis(-1))).hasMessageContaining("linger must not be negative");
        assertThatThrownBy(() -> ProducerOptions.create().acks(null)).hasMessage("acks must not be null");
        assertThatThrownBy(() -> TopicSpec.of("orders").partitions(0)).hasMessage("partitions must be > 0, was 0");
        assertThatThrownBy(() -> TopicSpec.of("orders").maxBacklog(0)).hasMessage("maxBacklog must be > 0, was 0");
        assertThatThrownBy(() -> TopicSpec.of("a/b")).hasMessageContaining("topic may only contain");
        assertThatThrownBy(() -> TopicSpec.of("orders").retentionAge(Duration.ZERO)).hasMessage("retentionAge must be > 0, was PT0S");
        assertThatThrownBy(() -> OutboundMessage.of("t", (byte[]) null)).hasMessage("value must not be null");
        assertThatThrownBy(() -> EngineOptions.create().deliveryThreads(0)).hasMessage("deliveryThreads must be > 0, was 0");
        assertThatThrownBy(() -> sluice.consumer(ConsumerOptions.create("g"))).hasMessageContaining("topics must name at least one topic");
    }

    /** Topic settings are another system's (Kafka's) topic configs: the engine has none, and says so rather than ignore them. */
    @Test
    void topicSettingsAreRefusedNamingThem() {
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of("kafkaesque").setting("min.insync.replicas", "2")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("the embedded engine has no topic settings").hasMessageContaining("min.insync.replicas"))
                .verify(TIMEOUT);
        StepVerifier.create(sluice.admin().listTopics().filter("kafkaesque"::equals)).verifyComplete();
    }

    @Test
    void aMessageFixingAPartitionThatDoesNotExistFailsTheSend() {
        sluice.admin().createTopic(TopicSpec.of("fixed").partitions(2)).block();
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(OutboundMessage.of("fixed", new byte[1]).withPartition(5)))
                .expectErrorMessage("message partition 5 does not exist: topic fixed has 2 partitions")
                .verify(TIMEOUT);
        List<SendResult<Void>> ok = sluice.producer(ProducerOptions.create())
                .send(Flux.just(OutboundMessage.of("fixed", new byte[1]).withPartition(1))).collectList().block(TIMEOUT);
        assertThat(ok).singleElement().satisfies(r -> assertThat(r.partition()).isEqualTo(1));
    }
}
