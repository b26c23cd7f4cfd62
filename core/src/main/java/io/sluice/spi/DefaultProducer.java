package io.sluice.spi;

import io.sluice.errors.ClosedException;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The {@link Producer} of every implementation: each {@code send} is a {@link SendOperator} writing to a
 * {@link SendTarget}. Made by {@link Producers}.
 */
final class DefaultProducer implements Producer {
    private final SendTarget target;
    private final ProducerOptions options;
    private final Consumer<DefaultProducer> onClose;
    private final Set<SendOperator<?>> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Set when the Sluice begins to close: new sends are refused with it ({@link #drain}). */
    private volatile Throwable closing;

    /** @param onClose told once when the user closes this producer */
    DefaultProducer(SendTarget target, ProducerOptions options, Consumer<DefaultProducer> onClose) {
        this.target = target;
        this.options = options;
        this.onClose = onClose;
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
                Throwable refused = closing != null ? new ClosedException(closing.getMessage()) : target.closedError();
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
        Throwable c = closing;
        if (closed) {
            send.fail(new ClosedException("producer " + options.clientId() + " is closed"));
        } else if (c != null) {
            send.fail(new ClosedException(c.getMessage())); // began after the Sluice's close: it has taken nothing
        }
    }

    void unregister(SendOperator<?> send) {
        active.remove(send);
    }

    /**
     * The Sluice is closing ({@link Producers#close}): refuses new sends with {@code refused}, and tells every send in
     * progress to stop taking records and end with {@code ended} once what it took is acknowledged; adds to
     * {@code ends} what completes when each has ended.
     */
    void drain(Throwable refused, Supplier<Throwable> ended, List<CompletableFuture<Void>> ends) {
        closing = refused;
        active.forEach(s -> {
            s.drainThenEnd(ended.get());
            ends.add(s.ended);
        });
    }

    /** The Sluice is closing: new sends are refused with {@code refused}. */
    void refuseNewSends(Throwable refused) {
        closing = refused;
    }

    /** Fails every send in progress with {@code error} (its target closed). */
    void failAll(Throwable error) {
        active.forEach(s -> s.fail(error));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.accept(this);
            failAll(new ClosedException("producer " + options.clientId() + " is closed"));
        }
    }
}
