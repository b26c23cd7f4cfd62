package io.sluice.examples.webflux;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The orders' statuses, in memory: what the controller answers and the fulfilment group updates. */
@Component
public class OrderBook {
    private final Map<String, OrderStatus> statuses = new ConcurrentHashMap<>();

    void accepted(Order order) {
        statuses.put(order.id(), OrderStatus.pending(order));
    }

    void update(String id, OrderStatus.State state, String detail) {
        statuses.computeIfPresent(id, (k, status) -> status.with(state, detail));
    }

    Optional<OrderStatus> find(String id) {
        return Optional.ofNullable(statuses.get(id));
    }
}
