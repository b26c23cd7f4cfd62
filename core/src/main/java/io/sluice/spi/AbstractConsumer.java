package io.sluice.spi;

import io.micrometer.core.instrument.Counter;
import io.sluice.admin.Admin;
import io.sluice.admin.TopicSpec;
import io.sluice.check.Check;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.consumer.Result;
import io.sluice.errors.ClosedException;
import io.sluice.errors.DeserializationException;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.UnauthorizedException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * What a {@link Consumer} does on top of its deliveries, the same for the embedded engine and the Netty client:
 * auto-acknowledgement, and {@link #process} (concurrency and per-key ordering, retries, dead letters, their meters).
 * A subclass supplies {@link #receive()}. Public for {@code sluice-transport-netty}; not API.
 */
public abstract class AbstractConsumer implements Consumer {
    /** A cached Mono's lifetime for "keep it". */
    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);
    protected final ConsumerOptions options;
    private volatile Producer deadLetters;
    /** Makes sure the dead-letter topic exists, once: made on the first dead letter (see {@link #deadLetterTopic}). */
    private volatile Mono<Void> deadLetterTopicReady;
    /** The one subscription a consumer takes at a time: a member of its group, here or on a node. */
    private final AtomicReference<Membership> active = new AtomicReference<>();
    /** The subscription that ended last: what {@link #commit()} commits while none is active. */
    private volatile Membership last;
    private final Sinks.Many<RebalanceEvent> events = Sinks.many().multicast().onBackpressureBuffer(1024, false);

    protected AbstractConsumer(ConsumerOptions options) {
        this.options = options;
    }

    /** A subscription of this consumer: what {@link #commit()} commits. */
    public interface Membership {
        /**
         * Commits the group's position in every partition the member owns; once the subscription has ended, completes
         * when what it had acknowledged before it ended is committed, or fails saying why not. Sends nothing to a
         * node for a subscription that has ended.
         */
        Mono<Void> commit();
    }

    /** Refuses consumer options without topics, naming the option; for {@code Sluice.consumer}. */
    public static ConsumerOptions requireTopics(ConsumerOptions options) {
        Check.notNull("options", options);
        if (options.topics().isEmpty()) {
            throw new IllegalArgumentException("ConsumerOptions.topics must name at least one topic");
        }
        return options;
    }

    /**
     * Takes the consumer's one subscription for {@code m}; when another is active, ends {@code actual} with an
     * error naming the group and returns false.
     */
    protected boolean claim(Membership m, CoreSubscriber<?> actual, String consumerName) {
        if (active.compareAndSet(null, m)) {
            return true;
        }
        Operators.error(actual, new IllegalStateException("consumer " + consumerName + " of group " + options.group()
                + " is already subscribed; cancel that subscription first or create another consumer"));
        return false;
    }

    /** {@code m} ended: the consumer may subscribe again. Call once {@code m.commit()} answers for the ended subscription. */
    protected void release(Membership m) {
        last = m;
        active.compareAndSet(m, null);
    }

    /**
     * True when {@code error} says the {@code Sluice} closed and {@code subscriber}'s chain has already cancelled or
     * terminated further down, its cancel still on its way up: the subscription then ends quietly, as cancelled. Reactor's
     * {@code flatMap}, for one, passes on a {@code take(n)}'s cancel only once the emission that caused it returns, so
     * a {@code process(handler).take(n).blockLast()} can return while its member is still subscribed; an error signalled
     * to it then would be dropped, and Reactor's default hook logs a dropped error at ERROR with the stack of
     * {@code close()}, which reads as if {@code close()} had thrown.
     */
    public static boolean closedAfterDownstreamLeft(Throwable error, Subscriber<?> subscriber) {
        if (!(error instanceof ClosedException)) {
            return false;
        }
        Scannable s = Scannable.from(subscriber);
        return Stream.concat(Stream.of(s), s.actuals()).anyMatch(a ->
                Boolean.TRUE.equals(a.scan(Scannable.Attr.CANCELLED)) || Boolean.TRUE.equals(a.scan(Scannable.Attr.TERMINATED)));
    }

    /** Tells {@link #rebalances()} subscribers of a rebalance that concerns this consumer; called by its membership. */
    public void announce(RebalanceEvent event) {
        events.emitNext(event, Sinks.EmitFailureHandler.busyLooping(java.time.Duration.ofMillis(100)));
    }

    @Override
    public Flux<RebalanceEvent> rebalances() {
        return events.asFlux();
    }

    @Override
    public Mono<Void> commit() {
        return Mono.defer(() -> {
            Membership m = active.get();
            if (m == null) {
                m = last;
            }
            return m == null ? Mono.empty() : m.commit();
        });
    }

    /** The counter {@code name} for {@code topic} and this consumer's group. */
    protected abstract Counter counter(String name, String topic);

    /** A producer for dead letters, made once, on the first. */
    protected abstract Producer newDeadLetterProducer();

    /** The admin of the {@code Sluice} this consumer belongs to: it creates a missing dead-letter topic. */
    protected abstract Admin admin();

    @Override
    public Flux<Record> receiveAutoAck() {
        return receive().map(d -> {
            d.ack();
            return d.record();
        });
    }

    @Override
    public Flux<Result> process(Function<Record, ? extends Publisher<?>> handler) {
        if (handler == null) {
            return Flux.error(new IllegalArgumentException("handler must not be null"));
        }
        return Flux.defer(() -> KeyedDispatch.dispatch(receive(), d -> handle(d, handler), KeyedDispatch.orderingKey(options),
                options.concurrency(), options.prefetch(), options.keyBacklog()));
    }

    private Mono<Result> handle(Delivery d, Function<Record, ? extends Publisher<?>> handler) {
        Record record = d.record();
        AtomicInteger attempts = new AtomicInteger();
        Mono<Void> attempt = Mono.defer(() -> {
            attempts.incrementAndGet();
            Publisher<?> outcome = handler.apply(record);
            if (outcome == null) {
                return Mono.error(new NullPointerException("the handler returned null for " + record.topic() + "/"
                        + record.partition() + "/" + record.offset() + "; return a Mono (Mono.empty() to ack)"));
            }
            return Flux.from(outcome).then();
        }).onErrorMap(AbstractConsumer::refusedToBlock, e -> new HandlerBlocked(options.group(), record, e));
        if (options.retry() != null) {
            attempt = attempt.retryWhen(unlessRetryCannotHelp(options.retry()));
        }
        return attempt
                .then(Mono.fromCallable(() -> {
                    countRetries(record, attempts.get());
                    d.ack();
                    return new Result(record, Result.Outcome.PROCESSED, attempts.get(), null);
                }))
                .onErrorResume(e -> {
                    Throwable cause = Exceptions.isRetryExhausted(e) && e.getCause() != null ? e.getCause() : e;
                    countRetries(record, attempts.get());
                    if (options.deadLetterTopic() == null || cause instanceof HandlerBlocked) {
                        return Mono.error(cause);
                    }
                    return deadLetter(record, cause, attempts.get()).then(Mono.fromCallable(() -> {
                        counter(SluiceMeters.DEAD_LETTERS, record).increment();
                        d.ack();
                        return new Result(record, Result.Outcome.DEAD_LETTERED, attempts.get(), cause);
                    }));
                });
    }

    /**
     * A handler blocked a thread that must not block (Reactor's {@code block()} refuses on Sluice's delivery threads
     * and on Netty's event loops; BlockHound, where installed, catches the rest). A mistake in the handler, not in the
     * record: never retried nor dead-lettered, it ends {@code process} with a message saying what to do instead.
     */
    private static final class HandlerBlocked extends IllegalStateException {
        HandlerBlocked(String group, Record record, Throwable cause) {
            super("the process handler of group '" + group + "' blocked a non-blocking thread (record " + record.topic() + "-"
                    + record.partition() + "@" + record.offset() + "): handlers run on Sluice's delivery threads or a connection's"
                    + " event loop, which must not block; return the Mono instead of calling block() on it, or move blocking work"
                    + " off them with publishOn(Schedulers.boundedElastic()). " + cause.getMessage(), cause);
        }
    }

    private static boolean refusedToBlock(Throwable e) {
        return (e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("blocking, which is not supported in thread"))
                || e.getClass().getName().equals("reactor.blockhound.BlockingOperationError");
    }

    /**
     * {@code retry}, except that a handler that blocked is not tried again, nor a record that could not be deserialized:
     * the same bytes would fail the same way (Spring Kafka does not retry its {@code DeserializationException} either).
     */
    private static Retry unlessRetryCannotHelp(Retry retry) {
        return Retry.from(signals -> retry.generateCompanion(signals.handle((signal, sink) -> {
            if (signal.failure() instanceof HandlerBlocked || signal.failure() instanceof DeserializationException) {
                sink.error(signal.failure());
            } else {
                sink.next(signal);
            }
        })));
    }

    private void countRetries(Record record, int attempts) {
        if (attempts > 1) {
            counter(SluiceMeters.RETRIES, record).increment(attempts - 1);
        }
    }

    private Counter counter(String name, Record record) {
        return counter(name, record.topic());
    }

    private Mono<Void> deadLetter(Record record, Throwable cause, int attempts) {
        Producer p = deadLetters;
        if (p == null) {
            synchronized (this) {
                if (deadLetters == null) {
                    deadLetters = newDeadLetterProducer();
                }
                p = deadLetters;
            }
        }
        Headers headers = record.headers()
                .with(DeadLetterHeaders.TOPIC, record.topic())
                .with(DeadLetterHeaders.PARTITION, Integer.toString(record.partition()))
                .with(DeadLetterHeaders.OFFSET, Long.toString(record.offset()))
                .with(DeadLetterHeaders.GROUP, options.group())
                .with(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts))
                .with(DeadLetterHeaders.EXCEPTION, cause.getClass().getName())
                .with(DeadLetterHeaders.MESSAGE, String.valueOf(cause.getMessage()));
        OutboundMessage<Void> m = OutboundMessage.<Void>of(options.deadLetterTopic(), record.key(), record.value(), null)
                .withHeaders(headers).withTimestamp(record.timestamp());
        return deadLetterTopic(record.topic()).then(p.send(m).then());
    }

    /**
     * Completes when the dead-letter topic exists: the first time, creates it when missing, with as many partitions
     * as {@code source} (the topic of the first record dead-lettered). One attempt at a time per consumer; a failed
     * one (e.g. a node's token that may not create topics) fails that dead letter, and the next one tries again.
     */
    private Mono<Void> deadLetterTopic(String source) {
        Mono<Void> ready = deadLetterTopicReady;
        if (ready == null) {
            synchronized (this) {
                if (deadLetterTopicReady == null) {
                    deadLetterTopicReady = createIfMissing(options.deadLetterTopic(), source)
                            .cache(v -> Duration.ZERO, e -> Duration.ZERO, () -> FOREVER);
                }
                ready = deadLetterTopicReady;
            }
        }
        return ready;
    }

    private Mono<Void> createIfMissing(String topic, String source) {
        Admin admin = admin();
        return admin.describeTopic(topic).then()
                .onErrorResume(UnknownTopicException.class, missing -> admin.describeTopic(source)
                        .flatMap(s -> admin.createTopic(TopicSpec.of(topic).partitions(s.spec().partitions())))
                        // another consumer created it meanwhile: describing it again tells a client of a node about it
                        .onErrorResume(TopicExistsException.class, exists -> admin.describeTopic(topic).then())
                        .onErrorMap(UnauthorizedException.class, e -> new UnauthorizedException("dead-letter topic '"
                                + topic + "' does not exist and this client may not create it (" + e.getMessage()
                                + "): create it with admin().createTopic(TopicSpec.of(\"" + topic + "\")), or use a token"
                                + " that may create topics")));
    }

    @Override
    public ConsumerOptions options() {
        return options;
    }
}
