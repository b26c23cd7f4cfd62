package io.sluice.examples.webflux;

import io.sluice.Sluice;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.serde.JsonSerde;
import io.sluice.serde.Serde;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * {@code POST /orders} publishes the order to the {@code orders} topic and answers 202 once Sluice has acknowledged
 * it (so an accepted order is not lost); {@code GET /orders/{id}} shows its status.
 */
@RestController
public class OrderController {
    static final Serde<Order> ORDERS = JsonSerde.of(Order.class);

    private final Producer producer;
    private final OrderBook book;

    public OrderController(Sluice sluice, OrderBook book) {
        this.producer = sluice.producer(ProducerOptions.create().clientId("order-api"));
        this.book = book;
    }

    /** The body a client posts. */
    public record NewOrder(String item, int quantity) {
    }

    @PostMapping("/orders")
    public Mono<ResponseEntity<OrderStatus>> place(@RequestBody NewOrder request) {
        if (request.item() == null || request.item().isBlank() || request.quantity() <= 0) {
            return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "an order needs an item and a quantity above 0, got item=" + request.item()
                            + " quantity=" + request.quantity()));
        }
        Order order = new Order(newId(), request.item(), request.quantity());
        book.accepted(order);
        // keyed by item: one item's orders are fulfilled in the order they were placed
        return producer.send(OutboundMessage.of(FulfilmentConsumer.TOPIC, order.item(), order, ORDERS, order.id()))
                .map(sent -> ResponseEntity.accepted().location(URI.create("/orders/" + order.id()))
                        .body(OrderStatus.pending(order)));
    }

    @GetMapping("/orders/{id}")
    public Mono<OrderStatus> status(@PathVariable("id") String id) {
        return Mono.justOrEmpty(book.find(id))
                .switchIfEmpty(Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id)));
    }

    /** A bad request or an unknown order answers with what is wrong (RFC 9457 problem details), not a bare status. */
    @ExceptionHandler(ResponseStatusException.class)
    public ProblemDetail problem(ResponseStatusException e) {
        return e.getBody();
    }

    /**
     * A random id made without blocking: {@code UUID.randomUUID()} reads the operating system's entropy (a file read
     * that BlockHound refuses on this event loop); an order id needs no cryptographic strength.
     */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
