package io.sluice.examples.webflux;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.TopicExistsException;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The {@code fulfilment} consumer group: reserves stock for each order with {@code process()} (acknowledged when the
 * handler completes; a record that is not an order goes to {@code orders.dlt} with its cause). It starts with the
 * application context and stops before the starter closes Sluice, which then commits what it acknowledged.
 */
@Component
public class FulfilmentConsumer implements SmartLifecycle {
    static final String TOPIC = "orders";
    static final String DEAD_LETTERS = "orders.dlt";
    static final String GROUP = "fulfilment";

    private final Sluice sluice;
    private final Inventory inventory;
    private final OrderBook book;
    private volatile Disposable subscription;

    public FulfilmentConsumer(Sluice sluice, Inventory inventory, OrderBook book) {
        this.sluice = sluice;
        this.inventory = inventory;
        this.book = book;
    }

    @Override
    public void start() {
        // at start-up, on the main thread: a durable store may hold the topic already
        sluice.admin().createTopic(TopicSpec.of(TOPIC).partitions(4)).onErrorComplete(TopicExistsException.class).block();
        subscription = sluice.consumer(ConsumerOptions.create(GROUP).topics(TOPIC).concurrency(4).deadLetterTopic(DEAD_LETTERS))
                .process(OrderController.ORDERS, (record, order) -> Mono.fromRunnable(() -> fulfil(order)))
                .subscribe();
    }

    private void fulfil(Order order) {
        if (inventory.reserve(order.item(), order.quantity())) {
            book.update(order.id(), OrderStatus.State.CONFIRMED, "reserved " + order.quantity() + " x " + order.item());
        } else {
            book.update(order.id(), OrderStatus.State.REJECTED, "not enough " + order.item() + " in stock");
        }
    }

    @Override
    public void stop() {
        Disposable s = subscription;
        if (s != null) {
            s.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable s = subscription;
        return s != null && !s.isDisposed();
    }
}
