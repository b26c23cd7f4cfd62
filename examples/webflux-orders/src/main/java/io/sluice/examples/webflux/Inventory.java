package io.sluice.examples.webflux;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/** Units in stock per item; a reservation takes units only when there are enough. */
@Component
public class Inventory {
    private final Map<String, Integer> stock = new ConcurrentHashMap<>(Map.of("widget", 10, "gadget", 3));

    /** Whether the units were there (and are now reserved); unknown items have none. */
    boolean reserve(String item, int quantity) {
        AtomicBoolean reserved = new AtomicBoolean();
        stock.computeIfPresent(item, (k, units) -> {
            reserved.set(units >= quantity);
            return reserved.get() ? units - quantity : units;
        });
        return reserved.get();
    }

    int units(String item) {
        return stock.getOrDefault(item, 0);
    }
}
