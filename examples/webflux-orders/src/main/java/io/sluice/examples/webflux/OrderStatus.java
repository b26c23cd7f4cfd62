package io.sluice.examples.webflux;

/** What {@code GET /orders/{id}} answers: {@code PENDING} until the fulfilment group has processed the order. */
public record OrderStatus(String id, String item, int quantity, State state, String detail) {

    /** Where an order is. */
    public enum State { PENDING, CONFIRMED, REJECTED }

    static OrderStatus pending(Order order) {
        return new OrderStatus(order.id(), order.item(), order.quantity(), State.PENDING, "accepted, not yet processed");
    }

    OrderStatus with(State state, String detail) {
        return new OrderStatus(id, item, quantity, state, detail);
    }
}
