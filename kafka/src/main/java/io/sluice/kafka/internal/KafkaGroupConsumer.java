package io.sluice.kafka.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.admin.Admin;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Producer;
import io.sluice.spi.AbstractConsumer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/** A consumer on Kafka: each {@code receive()} is a {@link KafkaMember} of the Kafka consumer group. */
public final class KafkaGroupConsumer extends AbstractConsumer {
    private static final AtomicInteger MEMBERS = new AtomicInteger();

    private final Map<String, Object> config;
    private final Scheduler scheduler;
    private final KafkaErrors errors;
    private final MeterRegistry registry;
    private final String node;
    private final Admin admin;
    private final Supplier<Producer> deadLetterProducer;
    private final Supplier<Throwable> closed;
    private final Consumer<KafkaMember> joined;
    private final Consumer<KafkaMember> left;
    private final DistributionSummary buffered;

    /**
     * @param config the Kafka consumer config of this consumer's members
     * @param joined told of each member before it joins, {@code left} once it has left and committed
     */
    public KafkaGroupConsumer(ConsumerOptions options, Map<String, Object> config, Scheduler scheduler, KafkaErrors errors,
                              MeterRegistry registry, String node, Admin admin, Supplier<Producer> deadLetterProducer,
                              Supplier<Throwable> closed, Consumer<KafkaMember> joined, Consumer<KafkaMember> left) {
        super(options);
        this.config = config;
        this.scheduler = scheduler;
        this.errors = errors;
        this.registry = registry;
        this.node = node;
        this.admin = admin;
        this.deadLetterProducer = deadLetterProducer;
        this.closed = closed;
        this.joined = joined;
        this.left = left;
        this.buffered = DistributionSummary.builder(SluiceMeters.CONSUMER_BUFFERED).description("records a member holds that its"
                + " subscriber has not taken yet, after each poll: at most the prefetch").tag(SluiceMeters.TAG_NODE, node)
                .tag(SluiceMeters.TAG_GROUP, options.group()).register(registry);
    }

    @Override
    public Flux<Delivery> receive() {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Delivery> actual) {
                Throwable refused = closed.get();
                if (refused != null) {
                    Operators.error(actual, refused);
                    return;
                }
                String topic = options.topics().iterator().next();
                String name = "sluice-kafka-consumer-" + options.group() + "-" + MEMBERS.incrementAndGet();
                KafkaMember member = new KafkaMember(KafkaGroupConsumer.this, options, config, actual, scheduler, errors,
                        counter(SluiceMeters.RECORDS_OUT, topic), counter(SluiceMeters.BYTES_OUT, topic), buffered, name);
                if (!claim(member, actual, options.clientId())) {
                    return;
                }
                joined.accept(member);
                actual.onSubscribe(member);
                member.start();
            }
        };
    }

    /** The member has left the group and its last commit is answered: the consumer may subscribe again. */
    void left(KafkaMember member) {
        release(member);
        left.accept(member);
    }

    @Override
    protected Counter counter(String name, String topic) {
        return Counter.builder(name).tag(SluiceMeters.TAG_NODE, node).tag(SluiceMeters.TAG_TOPIC, topic)
                .tag(SluiceMeters.TAG_GROUP, options.group()).register(registry);
    }

    @Override
    protected Producer newDeadLetterProducer() {
        return deadLetterProducer.get();
    }

    @Override
    protected Admin admin() {
        return admin;
    }
}
