package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Kafka topic has no backlog bound, so a producer is never held for a slow group; what is bounded is the consumer:
 * a member holds at most its prefetch, pausing its partitions and polling on, so that a handler much slower than its
 * producer neither grows memory nor makes Kafka take the member for dead (a rebalance).
 */
@ExtendWith(SharedCluster.class)
class KafkaBackpressureTest {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final int PREFETCH = 64;

    @Test
    void aHandlerTenTimesSlowerThanItsProducerNeverMakesItsMemberHoldMoreThanItsPrefetchNorRebalance() {
        String topic = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        // Kafka would take a member that stops polling for 10 s for dead and rebalance: a slow handler must not stop it
        KafkaOptions options = KafkaOptions.create().bootstrap(SharedCluster.cluster().bootstrap())
                .property("max.poll.interval.ms", 10_000).property("session.timeout.ms", 10_000);
        try (Sluice sluice = KafkaSluice.connect(options)) {
            sluice.admin().createTopic(TopicSpec.of(topic).partitions(2)).block();
            AtomicLong produced = new AtomicLong();
            AtomicLong processed = new AtomicLong();
            List<RebalanceEvent> rebalances = new CopyOnWriteArrayList<>();
            Consumer consumer = sluice.consumer(ConsumerOptions.create(group).topics(topic).prefetch(PREFETCH));
            Disposable watching = consumer.rebalances().subscribe(rebalances::add);
            // about 2,000 records/s in; one handler at a time taking 5 ms: at most 200 records/s out
            Disposable consuming = consumer.process(r -> Mono.delay(Duration.ofMillis(5)).doOnNext(x -> processed.incrementAndGet()))
                    .subscribe();
            sluice.producer(ProducerOptions.create())
                    .send(Flux.interval(Duration.ofMillis(1)).take(RUN)
                            .concatMapIterable(i -> List.of(OutboundMessage.of(topic, new byte[100]), OutboundMessage.of(topic, new byte[100]))))
                    .doOnNext(r -> produced.incrementAndGet())
                    .blockLast(RUN.plusSeconds(30));
            consuming.dispose();
            watching.dispose();
            DistributionSummary held = sluice.meterRegistry().get(SluiceMeters.CONSUMER_BUFFERED).tag(SluiceMeters.TAG_GROUP, group).summary();
            System.out.printf("KafkaBackpressureTest: %d produced, %d processed in %s; the member held at most %.0f records"
                    + " (prefetch %d); %d rebalance(s)%n", produced.get(), processed.get(), RUN, held.max(), PREFETCH, rebalances.size());
            assertThat(produced.get()).as("records produced").isGreaterThan(10 * processed.get() / 2);
            assertThat(held.count()).as("polls that brought records").isPositive();
            assertThat(held.max()).as("records the member held").isLessThanOrEqualTo(PREFETCH);
            assertThat(rebalances).as("rebalances: only the member's join").hasSize(1);
        }
    }
}
