package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;

/** The embedded engine's {@link Consumer}: each subscription is a {@link Member} of the group. */
final class DefaultConsumer extends AbstractConsumer {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Engine engine;
    private final String idPrefix;
    private final AtomicInteger joins = new AtomicInteger();
    private final AtomicReference<Member> active = new AtomicReference<>();
    private final Sinks.Many<RebalanceEvent> events = Sinks.many().multicast().onBackpressureBuffer(1024, false);
    DefaultConsumer(Engine engine, ConsumerOptions options) {
        super(options);
        this.engine = engine;
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
    protected void requireTopic(String topic) {
        engine.requireTopic(topic);
    }

    @Override
    protected Counter counter(String name, String topic) {
        return engine.metrics.counter(name, SluiceMeters.TAG_TOPIC, topic, SluiceMeters.TAG_GROUP, options.group());
    }

    @Override
    protected Producer newDeadLetterProducer() {
        return engine.producer(ProducerOptions.create().clientId(options.clientId() + "-dlq"));
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

}
