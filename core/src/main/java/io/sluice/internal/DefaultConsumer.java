package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.sluice.admin.Admin;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.spi.AbstractConsumer;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** The embedded engine's {@link Consumer}: each subscription is a {@link Member} of the group. */
final class DefaultConsumer extends AbstractConsumer {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Engine engine;
    private final String idPrefix;
    private final AtomicInteger joins = new AtomicInteger();
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
        if (!claim(member, actual, idPrefix)) {
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
        release(member);
        engine.unregister(member);
    }

    @Override
    protected Admin admin() {
        return engine.admin();
    }

    @Override
    protected Counter counter(String name, String topic) {
        return engine.metrics.counter(name, SluiceMeters.TAG_TOPIC, topic, SluiceMeters.TAG_GROUP, options.group());
    }

    @Override
    protected Producer newDeadLetterProducer() {
        return engine.producer(ProducerOptions.create().clientId(options.clientId() + "-dlq"));
    }


}
