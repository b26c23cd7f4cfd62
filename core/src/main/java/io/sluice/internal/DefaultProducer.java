package io.sluice.internal;

import io.sluice.errors.ClosedException;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/** The embedded engine's {@link Producer}: every {@code send} is a {@link SendOperator}. */
final class DefaultProducer implements Producer {
    private static final AtomicLong IDS = new AtomicLong();

    final long producerId = IDS.incrementAndGet();
    private final Engine engine;
    private final ProducerOptions options;
    private final Set<SendOperator<?>> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    DefaultProducer(Engine engine, ProducerOptions options) {
        this.engine = engine;
        this.options = options;
    }

    @Override
    public <T> Flux<SendResult<T>> send(Publisher<OutboundMessage<T>> messages) {
        if (messages == null) {
            return Flux.error(new IllegalArgumentException("messages must not be null"));
        }
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super SendResult<T>> actual) {
                if (closed) {
                    Operators.error(actual, new ClosedException("producer " + options.clientId() + " is closed"));
                    return;
                }
                if (engine.refuseIfClosed(actual)) {
                    return;
                }
                messages.subscribe(new SendOperator<>(engine, DefaultProducer.this, options, actual));
            }
        };
    }

    void register(SendOperator<?> send) {
        active.add(send);
        if (closed) {
            send.fail(new ClosedException("producer " + options.clientId() + " is closed"));
        }
    }

    void unregister(SendOperator<?> send) {
        active.remove(send);
    }

    /** Fails every send in progress with {@code error}. */
    void failAll(Throwable error) {
        active.forEach(s -> s.fail(error));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            engine.unregister(this);
            failAll(new ClosedException("producer " + options.clientId() + " is closed"));
        }
    }
}
