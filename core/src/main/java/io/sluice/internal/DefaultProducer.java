package io.sluice.internal;

import io.sluice.errors.ClosedException;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The {@link Producer} of the embedded engine and of the Netty client: every {@code send} is a {@link SendOperator}
 * writing to a {@link SendTarget}. Public for {@code sluice-transport-netty}; not API.
 */
public final class DefaultProducer implements Producer {
    private final SendTarget target;
    private final ProducerOptions options;
    private final Set<SendOperator<?>> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public DefaultProducer(SendTarget target, ProducerOptions options) {
        this.target = target;
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
                Throwable refused = target.closedError();
                if (refused != null) {
                    Operators.error(actual, refused);
                    return;
                }
                messages.subscribe(new SendOperator<>(target, DefaultProducer.this, options, actual));
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

    /** Fails every send in progress with {@code error} (its target closed). */
    public void failAll(Throwable error) {
        active.forEach(s -> s.fail(error));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            target.producerClosed(this);
            failAll(new ClosedException("producer " + options.clientId() + " is closed"));
        }
    }
}
