package io.sluice.benchmarks.perf;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.Record;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code sluice-embedded}: Sluice's engine in this process ({@link Sluice#embedded()}), used through its
 * public API as an application would.
 *
 * <p>Per phase: a new topic of {@code --partitions} partitions ({@code BACKPRESSURE} beyond {@code --max-backlog}
 * unconsumed records per partition, and retention of as many records so that nothing unconsumed is evicted);
 * one consumer of a new group ({@code --prefetch}) subscribed to {@link Consumer#receive()}, which reads sequence
 * number and intended time through {@link Record#valueBuffer()} (no copy) and {@link Delivery#ack() acks} every
 * delivery; the runner waits until the consumer owns every partition, then one producer ({@code --batch-size},
 * {@code --linger}, {@code --partitioner}, {@code --acks}) sends the payloads, each as a keyless
 * {@link OutboundMessage}; every {@link SendResult} counts as acknowledged. At the end of the phase both
 * subscriptions are cancelled and the topic deleted; the engine lives for the whole run.
 *
 * <p>Retention equals the backlog bound because the memory log evicts by retention alone, consumed or not: a
 * smaller retention could evict records the consumer has not read yet (they would count as lost). The retained
 * records stay on the heap, so a large {@code --max-backlog} means many live objects for the GC to copy; the
 * result's {@code gc} detail shows it. With acknowledgements the result also tells how many records the
 * producer put into each batch, from the engine's {@code sluice.send.latency} timer (one sample per batch).
 */
public final class SluiceEmbeddedTarget implements Target {
    /** The target's name. */
    public static final String NAME = "sluice-embedded";

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    private Sluice sluice;
    private int phases;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Sluice embedded engine: producer.send -> topic (memory log) -> consumer.receive + ack";
    }

    @Override
    public boolean hasAcks() {
        return true;
    }

    @Override
    public void validate(Workload workload) {
        if (workload.producers() != 1) {
            throw new IllegalArgumentException("--producers: sluice-perf v0 runs one producer against sluice-embedded, was "
                    + workload.producers());
        }
        if (workload.consumers() != 1) {
            throw new IllegalArgumentException("--consumers: sluice-perf v0 runs one consumer against sluice-embedded, was "
                    + workload.consumers());
        }
        if (workload.concurrency() != 1) {
            throw new IllegalArgumentException("--concurrency: sluice-perf v0 reads with receive() (one record at a time), was "
                    + workload.concurrency());
        }
    }

    @Override
    public void open(Workload workload) {
        sluice = Sluice.embedded(EngineOptions.create().name("sluice-perf"));
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        String topic = "perf-" + (++phases);
        sluice.admin().createTopic(TopicSpec.of(topic)
                        .partitions(workload.partitions())
                        .overflow(OverflowPolicy.BACKPRESSURE)
                        .maxBacklog(workload.maxBacklog())
                        .retentionRecords(workload.maxBacklog())
                        .retentionBytes(TopicSpec.UNLIMITED))
                .block(SETUP_TIMEOUT);

        Consumer consumer = sluice.consumer(ConsumerOptions.create(topic + "-group")
                .topics(topic)
                .prefetch(workload.prefetch())
                .clientId("sluice-perf"));
        CompletableFuture<RebalanceEvent> assigned = consumer.rebalances()
                .filter(e -> e.assigned().size() == workload.partitions())
                .next()
                .toFuture();
        Reader reader = new Reader(probe);
        consumer.receive().subscribe(reader);
        awaitAssignment(assigned, topic, reader);

        Producer producer = sluice.producer(ProducerOptions.create()
                .batchSize(workload.batchSize())
                .linger(workload.linger())
                .partitioner(workload.partitioner().create())
                .acks(workload.acks())
                .clientId("sluice-perf"));
        AckCounter acks = new AckCounter(probe);
        producer.send(payloads.map(value -> OutboundMessage.<Void>of(topic, (byte[]) null, value, null))).subscribe(acks);

        return () -> {
            acks.dispose();
            reader.dispose();
            producer.close();
            describeBatches(topic, workload, probe);
            sluice.admin().deleteTopic(topic).onErrorResume(e -> Mono.empty()).block(SETUP_TIMEOUT);
        };
    }

    /** Records per appended batch, from the engine's meters (one send-latency sample per acknowledged batch). */
    private void describeBatches(String topic, Workload workload, Probe probe) {
        if (workload.acks() == Acks.NONE) {
            return;
        }
        Timer sends = sluice.meterRegistry().find(SluiceMeters.SEND_LATENCY).tag(SluiceMeters.TAG_TOPIC, topic).timer();
        double records = sluice.meterRegistry().find(SluiceMeters.RECORDS_IN).tag(SluiceMeters.TAG_TOPIC, topic).counters()
                .stream().mapToDouble(Counter::count).sum();
        if (sends != null && sends.count() > 0) {
            probe.detail("batches", String.format(Locale.ROOT, "%,d appended, %.1f records per batch on average",
                    sends.count(), records / sends.count()));
        }
    }

    private static void awaitAssignment(CompletableFuture<RebalanceEvent> assigned, String topic, Disposable reader) {
        try {
            assigned.get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reader.dispose();
            throw new IllegalStateException("interrupted while the consumer joined " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            reader.dispose();
            throw new IllegalStateException("the consumer was not assigned every partition of " + topic + " within "
                    + SETUP_TIMEOUT.toSeconds() + " s", e);
        }
    }

    @Override
    public void close() {
        if (sluice != null) {
            sluice.close();
        }
    }

    private static final class Reader extends BaseSubscriber<Delivery> {
        private final Probe probe;

        Reader(Probe probe) {
            this.probe = probe;
        }

        @Override
        protected void hookOnNext(Delivery delivery) {
            long now = System.nanoTime();
            Record record = delivery.record();
            ByteBuffer value = record.valueBuffer();
            probe.received(record.partition(), Payload.seq(value), Payload.intendedNanos(value), now);
            delivery.ack();
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            probe.failed(throwable);
        }
    }

    private static final class AckCounter extends BaseSubscriber<SendResult<Void>> {
        private final Probe probe;

        AckCounter(Probe probe) {
            this.probe = probe;
        }

        @Override
        protected void hookOnNext(SendResult<Void> result) {
            probe.acked();
        }

        @Override
        protected void hookOnComplete() {
            probe.acksCompleted();
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            probe.failed(throwable);
        }
    }
}
