package io.sluice.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.producer.OutboundMessage;
import io.sluice.record.Record;
import io.sluice.test.SluiceTest;
import io.sluice.test.SluiceTestKit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The fulfilment group alone, without Spring, through a node the test kit starts on a free port (the starter's node
 * mode, in miniature); this module's tests run on JUnit 6, Boot 4's, which the kit supports as well as JUnit 5.
 */
@SluiceTest(node = true)
class FulfilmentConsumerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Inventory inventory = new Inventory();
    private final OrderBook book = new OrderBook();
    private FulfilmentConsumer fulfilment;

    @BeforeEach
    void start(Sluice sluice) {
        fulfilment = new FulfilmentConsumer(sluice, inventory, book);
        fulfilment.start();
    }

    @AfterEach
    void stop() {
        fulfilment.stop();
    }

    @Test
    void ordersAreConfirmedWhileTheStockLastsThenRejected(SluiceTestKit kit) {
        List<Order> orders = List.of(new Order("o1", "gadget", 2), new Order("o2", "gadget", 1), new Order("o3", "gadget", 1));
        for (Order order : orders) {
            book.accepted(order);
            // one key: one partition, fulfilled in the order placed
            kit.send(OutboundMessage.of(FulfilmentConsumer.TOPIC, order.item(), order, OrderController.ORDERS, order.id()));
        }

        StepVerifier.create(settled("o3")).expectNextCount(1).verifyComplete();
        assertThat(List.of("o1", "o2", "o3")).extracting(id -> book.find(id).orElseThrow().state())
                .containsExactly(OrderStatus.State.CONFIRMED, OrderStatus.State.CONFIRMED, OrderStatus.State.REJECTED);
        assertThat(inventory.units("gadget")).isZero();
    }

    @Test
    void aRecordThatIsNotAnOrderIsDeadLetteredNotRetried(SluiceTestKit kit) {
        kit.send(FulfilmentConsumer.TOPIC, "gadget", "{\"id\": ");

        Record dead = kit.awaitRecords(FulfilmentConsumer.DEAD_LETTERS, 1, TIMEOUT).get(0);

        assertThat(dead.valueAsString()).isEqualTo("{\"id\": ");
        assertThat(dead.headers().lastString(DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(dead.headers().lastString(DeadLetterHeaders.MESSAGE)).contains("record orders-0@0", "JsonSerde.of(io.sluice.examples.webflux.Order)");
    }

    /** The order's status once it is no longer pending, looked at every 20 ms for up to 30 s. */
    private Mono<OrderStatus> settled(String id) {
        return Mono.fromSupplier(() -> book.find(id).orElseThrow())
                .filter(s -> s.state() != OrderStatus.State.PENDING)
                .repeatWhenEmpty(repeats -> repeats.delayElements(Duration.ofMillis(20)))
                .timeout(TIMEOUT);
    }
}
