package io.sluice.transport.netty.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.admin.Admin;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Producer;
import io.sluice.spi.AbstractConsumer;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/** A consumer of a remote node: each {@code receive()} is a {@link ClientSubscription}, a member of the group there. */
public final class RemoteConsumer extends AbstractConsumer {

    private final ClientConnection connection;
    private final MeterRegistry registry;
    private final Supplier<Producer> deadLetterProducer;
    private final DistributionSummary buffered;

    public RemoteConsumer(ClientConnection connection, ConsumerOptions options, MeterRegistry registry, Supplier<Producer> deadLetterProducer) {
        super(options);
        SubscribeCodec.assignorName(options.assignor()); // refuse a custom assignor now, naming it
        this.connection = connection;
        this.registry = registry;
        this.deadLetterProducer = deadLetterProducer;
        this.buffered = DistributionSummary.builder(SluiceMeters.CONSUMER_BUFFERED).description("records a remote consumer holds that its subscriber"
                + " has not requested yet, at each delivery frame: at most the prefetch").tag(SluiceMeters.TAG_NODE, connection.address())
                .tag(SluiceMeters.TAG_GROUP, options.group()).register(registry);
    }

    @Override
    public Flux<Delivery> receive() {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Delivery> actual) {
                Throwable refused = connection.closedError();
                if (refused != null) {
                    Operators.error(actual, refused);
                    return;
                }
                ClientSubscription[] self = new ClientSubscription[1];
                ClientSubscription s = new ClientSubscription(connection.nextId(), connection, options, actual,
                        RemoteConsumer.this::announce, () -> release(self[0]), buffered);
                self[0] = s;
                if (!claim(s, actual, options.clientId())) {
                    return;
                }
                actual.onSubscribe(s);
                connection.register(s);
            }
        };
    }

    @Override
    protected Admin admin() {
        return new RemoteAdmin(connection);
    }

    @Override
    protected Counter counter(String name, String topic) {
        return Counter.builder(name).tag(SluiceMeters.TAG_NODE, connection.address()).tag(SluiceMeters.TAG_TOPIC, topic).tag(SluiceMeters.TAG_GROUP, options.group()).register(registry);
    }

    @Override
    protected Producer newDeadLetterProducer() {
        return deadLetterProducer.get();
    }
}
