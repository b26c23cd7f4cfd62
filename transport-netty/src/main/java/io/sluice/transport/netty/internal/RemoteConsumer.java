package io.sluice.transport.netty.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.errors.UnknownTopicException;
import io.sluice.internal.AbstractConsumer;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Producer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;

/** A consumer of a remote node: each {@code receive()} is a {@link ClientSubscription}, a member of the group there. */
public final class RemoteConsumer extends AbstractConsumer {
    /** Records held by the client, not yet requested: a distribution whose max is the high-water mark. */
    public static final String BUFFERED = "sluice.consumer.buffered";

    private final ClientConnection connection;
    private final MeterRegistry registry;
    private final Supplier<Producer> deadLetterProducer;
    private final AtomicReference<ClientSubscription> active = new AtomicReference<>();
    private final DistributionSummary buffered;
    private final Sinks.Many<RebalanceEvent> events = Sinks.many().multicast().onBackpressureBuffer(1024, false);

    public RemoteConsumer(ClientConnection connection, ConsumerOptions options, MeterRegistry registry, Supplier<Producer> deadLetterProducer) {
        super(options);
        SubscribeCodec.assignorName(options.assignor()); // refuse a custom assignor now, naming it
        this.connection = connection;
        this.registry = registry;
        this.deadLetterProducer = deadLetterProducer;
        this.buffered = DistributionSummary.builder(BUFFERED).description("records a remote consumer holds that its subscriber"
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
                        e -> events.emitNext(e, Sinks.EmitFailureHandler.busyLooping(java.time.Duration.ofMillis(100))),
                        () -> active.compareAndSet(self[0], null), buffered);
                self[0] = s;
                if (!active.compareAndSet(null, s)) {
                    Operators.error(actual, new IllegalStateException("consumer of group " + options.group()
                            + " is already subscribed; cancel that subscription first or create another consumer"));
                    return;
                }
                actual.onSubscribe(s);
                connection.register(s);
            }
        };
    }

    @Override
    public Flux<RebalanceEvent> rebalances() {
        return events.asFlux();
    }

    @Override
    public Mono<Void> commit() {
        return Mono.defer(() -> {
            ClientSubscription s = active.get();
            return s == null ? Mono.empty() : s.commit(null);
        });
    }

    @Override
    protected void requireTopic(String topic) {
        if (!connection.topics().containsKey(topic)) {
            throw new UnknownTopicException("unknown topic '" + topic + "' on node " + connection.address());
        }
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
