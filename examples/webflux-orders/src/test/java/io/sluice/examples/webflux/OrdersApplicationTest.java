package io.sluice.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.consumer.StartPosition;
import io.sluice.errors.UnknownTopicException;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** The sample end to end over HTTP, on the starter's embedded mode (an engine in memory, in this JVM). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrdersApplicationTest {
    private static final Duration PROCESSED = Duration.ofSeconds(30);

    @Value("${local.server.port}")
    int port;
    @Autowired
    Sluice sluice;
    @Autowired
    Inventory inventory;

    WebTestClient http;

    @BeforeEach
    void client() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    @Test
    void aPostedOrderIsAcceptedThenConfirmedByTheFulfilmentGroup() {
        int before = inventory.units("widget");
        OrderStatus accepted = place("widget", 2);

        assertThat(accepted.state()).isEqualTo(OrderStatus.State.PENDING);
        StepVerifier.create(settled(accepted.id()))
                .assertNext(s -> {
                    assertThat(s.state()).isEqualTo(OrderStatus.State.CONFIRMED);
                    assertThat(s.detail()).isEqualTo("reserved 2 x widget");
                })
                .verifyComplete();
        assertThat(inventory.units("widget")).isEqualTo(before - 2);
    }

    @Test
    void anOrderForMoreThanTheStockIsRejected() {
        OrderStatus accepted = place("gadget", 1_000);

        StepVerifier.create(settled(accepted.id()))
                .assertNext(s -> assertThat(s).extracting(OrderStatus::state, OrderStatus::detail)
                        .containsExactly(OrderStatus.State.REJECTED, "not enough gadget in stock"))
                .verifyComplete();
    }

    @Test
    void anOrderWithoutAQuantityIsABadRequestThatNamesIt() {
        http.post().uri("/orders").bodyValue(Map.of("item", "widget", "quantity", 0)).exchange()
                .expectStatus().isBadRequest()
                .expectBody(String.class).value(body -> assertThat(body).contains("quantity=0"));
    }

    @Test
    void anUnknownOrderIsNotFound() {
        http.get().uri("/orders/{id}", "no-such-order").exchange().expectStatus().isNotFound()
                .expectBody(String.class).value(body -> assertThat(body).contains("no order no-such-order"));
    }

    @Test
    void aRecordThatIsNotAnOrderGoesToTheDeadLetterTopicWithItsCause() {
        sluice.producer(ProducerOptions.create())
                .send(OutboundMessage.of(FulfilmentConsumer.TOPIC, "widget", "not json".getBytes(StandardCharsets.UTF_8), null))
                .block(PROCESSED);

        // the first dead letter creates the topic: until then subscribing fails with UnknownTopicException
        Mono<Record> deadLetter = Mono.defer(() -> sluice.consumer(ConsumerOptions.create("dlt-reader")
                                .topics(FulfilmentConsumer.DEAD_LETTERS).startPosition(StartPosition.earliest()))
                        .receiveAutoAck().next())
                .retryWhen(Retry.fixedDelay(600, Duration.ofMillis(50)).filter(UnknownTopicException.class::isInstance))
                .timeout(PROCESSED);

        StepVerifier.create(deadLetter)
                .assertNext(r -> {
                    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
                    assertThat(r.headers().lastString(DeadLetterHeaders.EXCEPTION)).contains("DeserializationException");
                })
                .verifyComplete();
    }

    private OrderStatus place(String item, int quantity) {
        return http.post().uri("/orders").bodyValue(new OrderController.NewOrder(item, quantity)).exchange()
                .expectStatus().isAccepted()
                .expectHeader().value("Location", location -> assertThat(location).startsWith("/orders/"))
                .expectBody(OrderStatus.class).returnResult().getResponseBody();
    }

    /** The order's status once it is no longer pending, asked for every 50 ms for up to 30 s (without blocking). */
    private Mono<OrderStatus> settled(String id) {
        WebClient client = WebClient.create("http://localhost:" + port);
        return Mono.defer(() -> client.get().uri("/orders/{id}", id).retrieve().bodyToMono(OrderStatus.class))
                .filter(s -> s.state() != OrderStatus.State.PENDING)
                .repeatWhenEmpty(repeats -> repeats.delayElements(Duration.ofMillis(50)))
                .timeout(PROCESSED);
    }
}
