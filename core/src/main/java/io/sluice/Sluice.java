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
 * consumers and sends end with it too.
 */
public interface Sluice extends AutoCloseable {

    /** An engine in memory, in this process. */
    static Sluice embedded() {
        return embedded(EngineOptions.create());
    }

    static Sluice embedded(EngineOptions options) {
        return Engine.start(options);
    }

    Admin admin();

    Producer producer(ProducerOptions options);

    /** A consumer; it joins its group when you subscribe to one of its fluxes. */
    Consumer consumer(ConsumerOptions options);

    /** The registry holding this engine's {@code sluice.*} meters. */
    MeterRegistry meterRegistry();

    @Override
    void close();
}
