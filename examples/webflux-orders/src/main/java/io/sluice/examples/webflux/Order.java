package io.sluice.examples.webflux;

/** An order as the {@code orders} topic carries it (JSON). */
public record Order(String id, String item, int quantity) {
}
