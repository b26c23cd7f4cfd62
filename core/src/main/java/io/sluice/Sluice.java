package io.sluice;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.admin.Admin;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.internal.Engine;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;

/**
 * The entry point: an engine in this process ({@link #embedded()}) or, with {@code sluice-transport-netty},
 * a remote node. Application code and tests use this interface the same way in both cases.
 *
 * <pre>{@code
 * try (Sluice sluice = Sluice.embedded()) {
 *     sluice.admin().createTopic(TopicSpec.of("orders").partitions(4)).block();
 *     sluice.producer(ProducerOptions.create()).send(messages).blockLast();
 *     sluice.consumer(ConsumerOptions.create("billing").topics("orders")).process(r -> charge(r)).subscribe();
 * }
 * }</pre>
 *
 * <p>After {@link #close()} every operation fails with {@link io.sluice.errors.ClosedException}; active
 * consumers and sends end with it too (a send once the records it had taken are sent: see {@link #close()}).
 */
public interface Sluice extends AutoCloseable {

    /** An engine in memory, in this process. */
    static Sluice embedded() {
        return embedded(EngineOptions.create());
    }

    /**
     * An engine in this process on the options' stores. On a durable store it first recovers what the store
     * kept (topics, records, end offsets, committed positions) and returns once it has: this blocks the calling
     * thread, so open it from your own thread (e.g. {@code main}), not from a Reactor one, where blocking is
     * refused.
     *
     * A gap in a partition's stored batches (a failed write the engine had not yet stored again when the process
     * stopped) ends that partition's log at the gap: nothing after it was acknowledged as stored.
     *
     * @throws IllegalStateException when the store's offsets disagree with its batches (it cannot be recovered)
     */
    static Sluice embedded(EngineOptions options) {
        return Engine.start(options);
    }

    Admin admin();

    Producer producer(ProducerOptions options);

    /** A consumer; it joins its group when you subscribe to one of its fluxes. */
    Consumer consumer(ConsumerOptions options);

    /** The registry holding this engine's {@code sluice.*} meters. */
    MeterRegistry meterRegistry();

    /**
     * Ends active sends and consumers with {@link io.sluice.errors.ClosedException}, gracefully. First the sends in
     * progress drain, as Kafka's {@code KafkaProducer.close()} sends what it was given: each stops taking records from
     * its upstream (it cancels it), closes its open batches at once (no waiting for linger), lets the batches it took
     * be appended and acknowledged at its producer's acks, emits their results, then ends with a
     * {@code ClosedException} saying that the records after its last result were not taken (a send whose upstream had
     * completed ends as it would have); new sends are refused. This waits for that up to 10 s in all
     * ({@link io.sluice.spi.Producers#DRAIN_TIMEOUT}); what is still unacknowledged then fails with
     * {@code ClosedException}, and may have been stored ({@link io.sluice.errors.OutcomeUnknown}). Then the consumers'
     * subscriptions commit what they acknowledged, and this waits (up to 10 s) until that is stored, or the node has
     * answered, so that nothing acknowledged is delivered again after a restart. Never throws; call it from your own
     * thread (on a non-blocking one it does not wait: sends in progress fail at once, and commits are only started).
     */
    @Override
    void close();
}
