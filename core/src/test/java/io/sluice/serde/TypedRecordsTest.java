package io.sluice.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.consumer.Result;
import io.sluice.errors.DeserializationException;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Headers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** Typed values through an embedded engine: sent with a serde, read with one, and a record it cannot read dead-lettered. */
class TypedRecordsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Sluice sluice = Sluice.embedded();

    @AfterEach
    void close() {
        sluice.close();
    }

    @Test
    void aProducerSendsTypedKeysAndValuesAndAConsumerReadsThemTyped() {
        sluice.admin().createTopic(TopicSpec.of("typed").partitions(3)).block(TIMEOUT);
        Map<UUID, Long> sent = new HashMap<>();
        IntStream.range(0, 100).forEach(i -> sent.put(UUID.randomUUID(), i * 1_000_000_007L - 50_000_000_000L));
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(Flux.fromIterable(sent.entrySet())
                        .map(e -> OutboundMessage.of("typed", e.getKey(), Serdes.uuid(), e.getValue(), Serdes.longs(), e.getKey()))))
                .expectNextCount(100)
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(sluice.consumer(ConsumerOptions.create("readers").topics("typed")).receiveAutoAck().take(100)
                        .collectMap(r -> r.key(Serdes.uuid()), r -> r.value(Serdes.longs())))
                .assertNext(read -> assertThat(read).isEqualTo(sent))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aPoisonedRecordGoesToTheDeadLetterTopicWithItsCauseWhileTheGoodOnesAreProcessed() {
        sluice.admin().createTopic(TopicSpec.of("amounts").partitions(1)).block(TIMEOUT);
        byte[] poison = {1, 2, 3};
        // offsets 0..10 of one partition: typed Longs, but offset 5 holds three bytes no Long serde can read
        Flux<OutboundMessage<Integer>> messages = Flux.range(0, 11).map(i -> i == 5
                ? OutboundMessage.of("amounts", "key-5", poison, i)
                : OutboundMessage.of("amounts", "key-" + i, (long) i * 100, Serdes.longs(), i));
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(messages))
                .expectNextCount(11)
                .expectComplete()
                .verify(TIMEOUT);

        List<Long> processed = new CopyOnWriteArrayList<>();
        Map<Long, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Consumer consumer = sluice.consumer(ConsumerOptions.create("billing").topics("amounts")
                .retry(Retry.max(3)).deadLetterTopic("amounts.dlq"));
        StepVerifier.create(consumer.process(Serdes.longs(), (record, amount) -> {
                    // the handler fails its first attempt for 200: a failing handler is still retried
                    if (attempts.computeIfAbsent(amount, a -> new AtomicInteger()).incrementAndGet() == 1 && amount == 200) {
                        return Mono.error(new IllegalStateException("try 200 again"));
                    }
                    processed.add(amount);
                    return Mono.empty();
                }).take(11))
                .expectNextCount(2)
                .assertNext(r -> assertThat(r.attempts()).as("200, retried once").isEqualTo(2))
                .expectNextCount(2)
                .assertNext(r -> {
                    assertThat(r.outcome()).isEqualTo(Result.Outcome.DEAD_LETTERED);
                    assertThat(r.record().offset()).isEqualTo(5);
                    assertThat(r.attempts()).as("an unreadable record is not retried").isEqualTo(1);
                    assertThat(r.error()).isInstanceOf(DeserializationException.class)
                            .hasMessage("cannot deserialize the value of record amounts-0@5 with Serdes.longs():"
                                    + " a Long is 8 bytes (big-endian), was 3 bytes");
                })
                .expectNextCount(5)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(processed).containsExactly(0L, 100L, 200L, 300L, 400L, 600L, 700L, 800L, 900L, 1000L);

        StepVerifier.create(sluice.consumer(ConsumerOptions.create("dlq-reader").topics("amounts.dlq")).receiveAutoAck().take(1))
                .assertNext(dead -> {
                    assertThat(dead.value()).containsExactly(poison);
                    assertThat(dead.keyAsString()).isEqualTo("key-5");
                    assertThat(dead.headers().lastString(DeadLetterHeaders.TOPIC)).isEqualTo("amounts");
                    assertThat(dead.headers().lastString(DeadLetterHeaders.OFFSET)).isEqualTo("5");
                    assertThat(dead.headers().lastString(DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
                    assertThat(dead.headers().lastString(DeadLetterHeaders.EXCEPTION)).isEqualTo(DeserializationException.class.getName());
                    assertThat(dead.headers().lastString(DeadLetterHeaders.MESSAGE))
                            .isEqualTo("cannot deserialize the value of record amounts-0@5 with Serdes.longs():"
                                    + " a Long is 8 bytes (big-endian), was 3 bytes");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void withoutADeadLetterTopicAnUnreadableValueEndsProcessingUnacknowledgedAfterOneTry() {
        sluice.admin().createTopic(TopicSpec.of("ids")).block(TIMEOUT);
        UUID id = UUID.randomUUID();
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(Flux.just(
                        OutboundMessage.of("ids", null, id, Serdes.uuid(), 0),
                        OutboundMessage.of("ids", null, "not a UUID", Serdes.string(), 1))))
                .expectNextCount(2)
                .expectComplete()
                .verify(TIMEOUT);
        AtomicInteger reads = new AtomicInteger();
        Serde<UUID> counting = new Serde<>() {
            @Override
            public byte[] serialize(String topic, Headers headers, UUID value) {
                return Serdes.uuid().serialize(topic, headers, value);
            }

            @Override
            public UUID deserialize(String topic, Headers headers, byte[] data) {
                reads.incrementAndGet();
                return Serdes.uuid().deserialize(topic, headers, data);
            }
        };
        List<UUID> handled = new CopyOnWriteArrayList<>();
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("g").topics("ids").commitInterval(Duration.ZERO)
                        .retry(Retry.max(3)))
                        .process(counting, (record, value) -> Mono.fromRunnable(() -> handled.add(value))))
                .assertNext(r -> assertThat(r.outcome()).isEqualTo(Result.Outcome.PROCESSED))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DeserializationException.class)
                        .hasMessage("cannot deserialize the value of record ids-0@1 with " + counting
                                + ": a UUID is 36 characters (8-4-4-4-12 hex digits), was \"not a UUID\""))
                .verify(TIMEOUT);
        assertThat(handled).containsExactly(id);
        assertThat(reads).as("one read per record: the unreadable one is not retried").hasValue(2);
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("g").topics("ids")).receive().take(1))
                .assertNext(d -> assertThat(d.record().offset()).as("not acknowledged").isEqualTo(1))
                .expectComplete()
                .verify(TIMEOUT);
    }
}
