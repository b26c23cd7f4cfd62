package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.examples.OrderService.InventoryService;
import io.sluice.examples.OrderService.OrderFailed;
import io.sluice.examples.OrderService.RequestReply;
import io.sluice.producer.OutboundMessage;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import io.sluice.test.SluiceTest;
import io.sluice.test.SluiceTestKit;
import io.sluice.test.SluiceTopic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * The order service's two halves, {@link InventoryService} and {@link RequestReply}, each on its own client of a node
 * that {@code @SluiceTest} starts on a free port with the example's topics: what {@code OrderServiceTest} checks through
 * the command line's summary, seen here record by record.
 */
@SluiceTest(node = true)
@SluiceTopic(name = OrderService.REQUESTS, partitions = 4)
@SluiceTopic(name = OrderService.REPLIES, partitions = 4)
@SluiceTopic(name = OrderService.DEAD_LETTERS, partitions = 4)
class OrderServiceOnANodeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void theInventoryRepliesToEachRequestsReplyToTopicWithItsCorrelationIdUntilTheStockRunsOut(Sluice sluice, SluiceTestKit kit) {
        InventoryService inventory = new InventoryService(sluice, 2);
        Disposable answering = inventory.start();
        try {
            for (int i = 1; i <= 3; i++) { // one item (one key): handled in order, so the third finds none left
                kit.send(request("order-" + i, "item-4", "1"));
            }

            Map<String, String> answers = kit.awaitRecords(OrderService.REPLIES, 3, TIMEOUT).stream()
                    .collect(Collectors.toMap(r -> r.headers().lastString(OrderService.CORRELATION_ID), Record::valueAsString));
            assertThat(answers).containsExactlyInAnyOrderEntriesOf(
                    Map.of("order-1", "reserved", "order-2", "reserved", "order-3", "out-of-stock"));
        } finally {
            answering.dispose();
        }
    }

    @Test
    void aMalformedRequestIsTriedThreeTimesThenDeadLetteredWithItsHeadersAndNeverAnswered(Sluice sluice, SluiceTestKit kit) {
        InventoryService inventory = new InventoryService(sluice, 10);
        Disposable answering = inventory.start();
        try {
            kit.send(request("order-1", "item-1", "one"));
            kit.send(request("order-2", "item-2", "1"));

            Record deadLetter = kit.awaitRecords(OrderService.DEAD_LETTERS, 1, TIMEOUT).get(0);
            Headers headers = deadLetter.headers();
            assertThat(headers.lastString(OrderService.CORRELATION_ID)).isEqualTo("order-1");
            assertThat(headers.lastString(OrderService.REPLY_TO)).isEqualTo(OrderService.REPLIES);
            assertThat(headers.lastString(DeadLetterHeaders.ATTEMPTS)).isEqualTo(String.valueOf(OrderService.RETRIES + 1));
            assertThat(headers.lastString(DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(deadLetter.valueAsString()).isEqualTo("one x item-1");
            assertThat(inventory.failures).hasValue(OrderService.RETRIES + 1);

            kit.awaitRecords(OrderService.REPLIES, 1, TIMEOUT);
            StepVerifier.create(kit.records(OrderService.REPLIES).map(r -> r.headers().lastString(OrderService.CORRELATION_ID)))
                    .expectNext("order-2")
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            answering.dispose();
        }
    }

    @Test
    void aCallerOnAnotherConnectionGetsItsAnswerOrTheHandlersErrorNotATimeout(Sluice sluice, SluiceTestKit kit) {
        Disposable answering = new InventoryService(sluice, 10).start();
        RequestReply orders = new RequestReply(kit.connect(kit.clientOptions().clientId("order-service")), TIMEOUT);
        Disposable replies = orders.start();
        try {
            StepVerifier.create(orders.request("order-1", "item-7", "1"))
                    .expectNext("reserved")
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(orders.request("order-2", "item-7", "a few"))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(OrderFailed.class).hasMessageContaining("malformed order 'a few x item-7'");
                        assertThat(((OrderFailed) e).attempts).isEqualTo(OrderService.RETRIES + 1);
                    })
                    .verify(TIMEOUT);
            assertThat(orders.lateReplies).hasValue(0);
        } finally {
            replies.dispose();
            answering.dispose();
        }
    }

    /** A request as the order service sends it: the item as key, {@code "N x item"}, its correlation id and reply topic. */
    private static OutboundMessage<Void> request(String orderId, String item, String quantity) {
        return OutboundMessage.<Void>of(OrderService.REQUESTS, item, (quantity + " x " + item).getBytes(StandardCharsets.UTF_8), null)
                .withHeaders(Headers.of(OrderService.CORRELATION_ID, orderId, OrderService.REPLY_TO, OrderService.REPLIES));
    }
}
