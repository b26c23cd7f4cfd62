package io.sluice.examples;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Request/reply over a node: an order service asks an inventory service to reserve stock and waits for the answer.
 * Each service is a {@link NettySluice} client of one {@link SluiceServer}. A request goes to {@code inventory-requests}
 * with a {@code correlation-id} header and a {@code reply-to} header naming {@code order-replies}; the inventory service
 * answers there with the same correlation id, and the order service's one reply consumer completes the caller waiting
 * on that id. Every request has a timeout: the inventory service ignores orders for a discontinued item (every
 * {@code --unanswered-every}th order), and those callers see a {@link TimeoutException}, what a missing reply becomes.
 */
@Command(name = "order-service", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Request/reply over a node: orders ask inventory by correlation id; a missing reply times out.")
public final class OrderService extends Example {
    static final String REQUESTS = "inventory-requests";
    static final String REPLIES = "order-replies";
    static final String CORRELATION_ID = "correlation-id";
    static final String REPLY_TO = "reply-to";
    static final String DISCONTINUED = "discontinued-item";
    static final int ITEMS = 10;

    @Option(names = "--records", converter = Positive.class, description = "Order requests to send (default: ${DEFAULT-VALUE}).")
    int records = 1000;

    @Option(names = "--in-flight", converter = Positive.class, description = "Requests waiting for a reply at most (default: ${DEFAULT-VALUE}).")
    int inFlight = 64;

    @Option(names = "--timeout-ms", converter = Positive.class, description = "How long a request waits for its reply (default: ${DEFAULT-VALUE}).")
    int timeoutMs = 2000;

    @Option(names = "--unanswered-every", description = "Every Nth order is for a discontinued item, which the inventory"
            + " service never answers; 0: none (default: ${DEFAULT-VALUE}).")
    int unansweredEvery = 50;

    @Option(names = "--stock", description = "Units in stock of each of the " + ITEMS + " items (default: ${DEFAULT-VALUE}).")
    int stock = 90;

    @Override
    protected void run(Summary summary) {
        // 1. A node: an engine in this process served over TCP on a free port, with the two topics.
        try (Sluice engine = Sluice.embedded();
             SluiceServer node = SluiceServer.start(engine, ServerOptions.create().host("127.0.0.1").port(0))) {
            engine.admin().createTopic(TopicSpec.of(REQUESTS).partitions(4)).block();
            engine.admin().createTopic(TopicSpec.of(REPLIES).partitions(4)).block();
            say("node on 127.0.0.1:%d, topics %s and %s (4 partitions each)", node.port(), REQUESTS, REPLIES);

            // 2. Two services, each with its own connection to the node.
            try (Sluice inventoryConnection = connect(node, "inventory-service");
                 Sluice ordersConnection = connect(node, "order-service")) {
                InventoryService inventory = new InventoryService(inventoryConnection, stock);
                Disposable inventoryRunning = inventory.start();
                say("inventory service: answering %s, %d items with %d units each; orders for %s get no answer",
                        REQUESTS, ITEMS, stock, DISCONTINUED);

                RequestReply requests = new RequestReply(ordersConnection, Duration.ofMillis(timeoutMs));
                Disposable repliesRunning = requests.start();
                say("order service: %,d orders, at most %d waiting for a reply, each with a %d ms timeout",
                        records, inFlight, timeoutMs);

                // 3. Send every order and wait for every outcome: an answer, or the timeout's error.
                long started = System.nanoTime();
                List<Outcome> outcomes = Flux.range(0, records)
                        .flatMap(i -> order(requests, i), inFlight)
                        .collectList()
                        .block();
                say("all %,d orders settled in %d ms", records, (System.nanoTime() - started) / 1_000_000);

                repliesRunning.dispose();
                inventoryRunning.dispose();
                report(outcomes, inventory.ignored.get(), requests.lateReplies.get(), summary);
            }
        }
    }

    private static Sluice connect(SluiceServer node, String clientId) {
        return NettySluice.connect(ClientOptions.create().address("127.0.0.1", node.port()).clientId(clientId));
    }

    /** Order {@code i}: one request, and what became of it. */
    private Mono<Outcome> order(RequestReply requests, int i) {
        String orderId = "order-" + i;
        String item = isDiscontinued(i) ? DISCONTINUED : "item-" + (i % ITEMS);
        long start = System.nanoTime();
        return requests.request(orderId, item)
                .map(answer -> new Outcome(orderId, answer, System.nanoTime() - start, null))
                .onErrorResume(TimeoutException.class, e -> Mono.just(new Outcome(orderId, null, 0, e)));
    }

    private boolean isDiscontinued(int i) {
        return unansweredEvery > 0 && (i + 1) % unansweredEvery == 0;
    }

    private void report(List<Outcome> outcomes, long ignored, long lateReplies, Summary summary) {
        long reserved = outcomes.stream().filter(o -> "reserved".equals(o.answer())).count();
        long outOfStock = outcomes.stream().filter(o -> "out-of-stock".equals(o.answer())).count();
        long timedOut = outcomes.stream().filter(o -> o.error() != null).count();
        long expectedTimedOut = unansweredEvery > 0 ? records / unansweredEvery : 0;
        long answered = reserved + outOfStock;
        outcomes.stream().filter(o -> o.error() != null).findFirst()
                .ifPresent(o -> say("for example %s failed with %s", o.orderId(), o.error()));

        long[] latencies = outcomes.stream().filter(o -> o.answer() != null).mapToLong(Outcome::nanos).sorted().toArray();
        summary.put("requests", records)
                .put("answered", answered)
                .put("reserved", reserved)
                .put("out of stock", outOfStock)
                .put("timed out", timedOut)
                .put("expected timed out", expectedTimedOut)
                .put("ignored by inventory", ignored)
                .put("late replies", lateReplies)
                .put("reply latency p50", millis(percentile(latencies, 50)))
                .put("reply latency p99", millis(percentile(latencies, 99)))
                .check("every request answered or timed out", answered + timedOut == records)
                .check("timed out exactly the ignored ones", timedOut == expectedTimedOut);
    }

    /** How one order ended: {@code answer} ("reserved", "out-of-stock"), or {@code error} when no reply came in time. */
    record Outcome(String orderId, String answer, long nanos, Throwable error) {
    }

    /**
     * The order service's side of request/reply: sends a request carrying a correlation id and the reply topic, and
     * completes the caller's {@code Mono} when the reply with that id arrives on the one reply consumer, or fails it
     * with a {@link TimeoutException}. One instance here; several would each need a reply topic (or a partition) of
     * their own, named in {@code reply-to}, since a group shares a topic's records among its members.
     */
    static final class RequestReply {
        private final Sluice sluice;
        private final Producer producer;
        private final Duration timeout;
        /** Requests waiting for their reply, by correlation id. */
        private final Map<String, Sinks.One<String>> pending = new ConcurrentHashMap<>();
        /** Replies whose caller had stopped waiting (or never asked). */
        final AtomicLong lateReplies = new AtomicLong();

        RequestReply(Sluice sluice, Duration timeout) {
            this.sluice = sluice;
            this.producer = sluice.producer(ProducerOptions.create());
            this.timeout = timeout;
        }

        /** Starts the reply consumer; from the topic's start, so no reply sent before it joined is missed. */
        Disposable start() {
            return sluice.consumer(ConsumerOptions.create("order-service").topics(REPLIES))
                    .receiveAutoAck()
                    .subscribe(this::onReply);
        }

        /** The reply's value, or a {@link TimeoutException} when none came within the timeout. */
        Mono<String> request(String correlationId, String item) {
            return Mono.defer(() -> {
                Sinks.One<String> reply = Sinks.one();
                pending.put(correlationId, reply);
                OutboundMessage<Void> request = OutboundMessage.<Void>of(REQUESTS, item, bytes("1 x " + item), null)
                        .withHeaders(Headers.of(CORRELATION_ID, correlationId, REPLY_TO, REPLIES));
                return producer.send(request)
                        .then(reply.asMono())
                        .timeout(timeout)
                        .doFinally(signal -> pending.remove(correlationId));
            });
        }

        private void onReply(Record reply) {
            Sinks.One<String> waiting = pending.remove(reply.headers().lastString(CORRELATION_ID));
            if (waiting == null) {
                lateReplies.incrementAndGet();
            } else {
                waiting.tryEmitValue(reply.valueAsString());
            }
        }
    }

    /**
     * The inventory service: reserves one unit of the item each request names and replies to the request's
     * {@code reply-to} topic with its {@code correlation-id}. Requests for one item run one at a time (the item is the
     * key, {@link Ordering#PER_KEY}); a request for the discontinued item is acknowledged without a reply.
     */
    static final class InventoryService {
        private final Sluice sluice;
        private final Producer replies;
        private final Map<String, AtomicInteger> unitsLeft = new ConcurrentHashMap<>();
        final AtomicLong ignored = new AtomicLong();

        InventoryService(Sluice sluice, int stock) {
            this.sluice = sluice;
            this.replies = sluice.producer(ProducerOptions.create());
            for (int i = 0; i < ITEMS; i++) {
                unitsLeft.put("item-" + i, new AtomicInteger(stock));
            }
        }

        Disposable start() {
            return sluice.consumer(ConsumerOptions.create("inventory").topics(REQUESTS)
                            .concurrency(16).ordering(Ordering.PER_KEY))
                    .process(this::handle)
                    .subscribe();
        }

        /** Completes once the reply is appended: the request is acknowledged only then. */
        private Mono<Void> handle(Record request) {
            String item = request.keyAsString();
            if (item.equals(DISCONTINUED)) { // no reply at all: the caller's timeout is its only answer
                ignored.incrementAndGet();
                return Mono.empty();
            }
            String answer = unitsLeft.get(item).getAndUpdate(n -> Math.max(n - 1, 0)) > 0 ? "reserved" : "out-of-stock";
            String replyTo = request.headers().lastString(REPLY_TO);
            String correlationId = request.headers().lastString(CORRELATION_ID);
            OutboundMessage<Void> reply = OutboundMessage.<Void>of(replyTo, item, bytes(answer), null)
                    .withHeaders(Headers.of(CORRELATION_ID, correlationId));
            return replies.send(reply).then();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
