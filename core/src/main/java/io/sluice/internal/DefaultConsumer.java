package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.consumer.Result;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;

/** The embedded engine's {@link Consumer}: each subscription is a {@link Member} of the group. */
final class DefaultConsumer implements Consumer {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Engine engine;
    private final ConsumerOptions options;
    private final String idPrefix;
    private final AtomicInteger joins = new AtomicInteger();
    private final AtomicReference<Member> active = new AtomicReference<>();
    private final Sinks.Many<RebalanceEvent> events = Sinks.many().multicast().onBackpressureBuffer(1024, false);
    private volatile Producer deadLetters;

    DefaultConsumer(Engine engine, ConsumerOptions options) {
        this.engine = engine;
        this.options = options;
        this.idPrefix = options.clientId() + "-" + IDS.incrementAndGet();
    }

    @Override
    public Flux<Delivery> receive() {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Delivery> actual) {
                subscribeMember(actual);
            }
        };
    }

    private void subscribeMember(CoreSubscriber<? super Delivery> actual) {
        if (engine.refuseIfClosed(actual)) {
            return;
        }
        GroupState group = engine.group(options.group());
        Member member = new Member(idPrefix + "-" + joins.incrementAndGet(), options, group, this, engine, actual);
        if (!active.compareAndSet(null, member)) {
            Operators.error(actual, new IllegalStateException("consumer " + idPrefix + " of group " + options.group()
                    + " is already subscribed; cancel that subscription first or create another consumer"));
            return;
        }
        engine.register(member);
        actual.onSubscribe(member);
        try {
            member.start();
        } catch (RuntimeException e) {
            member.fail(e);
        }
    }

    void memberLeft(Member member) {
        active.compareAndSet(member, null);
        engine.unregister(member);
    }

    void announce(RebalanceEvent event) {
        events.tryEmitNext(event);
    }

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
        return Flux.defer(() -> {
            if (options.deadLetterTopic() != null) {
                engine.requireTopic(options.deadLetterTopic());
            }
            int concurrency = options.concurrency();
            Flux<Delivery> in = receive();
            Function<Delivery, Mono<Result>> one = d -> handle(d, handler);
            if (concurrency == 1) {
                return in.concatMap(one);
            }
            return switch (options.ordering()) {
                case UNORDERED -> in.flatMap(one, concurrency);
                case PER_PARTITION -> in.groupBy(d -> lane(31 * d.record().topic().hashCode() + d.record().partition(), concurrency))
                        .flatMap(lane -> lane.concatMap(one), concurrency);
                case PER_KEY -> in.groupBy(d -> lane(d.record().keyHash(), concurrency))
                        .flatMap(lane -> lane.concatMap(one), concurrency);
            };
        });
    }

    private static int lane(int hash, int lanes) {
        return Math.floorMod(hash ^ (hash >>> 16), lanes);
    }

    private Mono<Result> handle(Delivery d, Function<Record, ? extends Publisher<?>> handler) {
        Record record = d.record();
        AtomicInteger attempts = new AtomicInteger();
        Mono<Void> attempt = Mono.defer(() -> {
            attempts.incrementAndGet();
            return Flux.from(handler.apply(record)).then();
        });
        if (options.retry() != null) {
            attempt = attempt.retryWhen(options.retry());
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
                    if (options.deadLetterTopic() == null) {
                        return Mono.error(cause);
                    }
                    return deadLetter(record, cause, attempts.get()).then(Mono.fromCallable(() -> {
                        counter(SluiceMeters.DEAD_LETTERS, record).increment();
                        d.ack();
                        return new Result(record, Result.Outcome.DEAD_LETTERED, attempts.get(), cause);
                    }));
                });
    }

    private void countRetries(Record record, int attempts) {
        if (attempts > 1) {
            counter(SluiceMeters.RETRIES, record).increment(attempts - 1);
        }
    }

    private Counter counter(String name, Record record) {
        return engine.metrics.counter(name, SluiceMeters.TAG_TOPIC, record.topic(), SluiceMeters.TAG_GROUP, options.group());
    }

    private Mono<Void> deadLetter(Record record, Throwable cause, int attempts) {
        Producer p = deadLetters;
        if (p == null) {
            synchronized (this) {
                if (deadLetters == null) {
                    deadLetters = engine.producer(ProducerOptions.create().clientId(options.clientId() + "-dlq"));
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
        return p.send(m).then();
    }

    @Override
    public Flux<RebalanceEvent> rebalances() {
        return events.asFlux();
    }

    @Override
    public Mono<Void> commit() {
        return Mono.defer(() -> {
            Member m = active.get();
            return m == null ? Mono.empty() : m.commit();
        });
    }

    @Override
    public ConsumerOptions options() {
        return options;
    }
}
