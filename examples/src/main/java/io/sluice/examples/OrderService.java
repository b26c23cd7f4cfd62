package io.sluice.examples;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.consumer.Ordering;
import io.sluice.consumer.Result;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Request/reply over a node: an order service asks an inventory service to reserve stock and waits for the answer.
 * Each service is a {@link NettySluice} client of one {@link SluiceServer}. A request goes to {@code inventory-requests}
 * with a {@code correlation-id} header and a {@code reply-to} header naming {@code order-replies}; the inventory service
 * answers there with the same correlation id, and the order service's one reply consumer completes the caller waiting
 * on that id. Every request has a timeout: the inventory service ignores orders for a discontinued item (every
 * {@code --unanswered-every}th order), and those callers see a {@link TimeoutException}, what a missing reply becomes.
 *
 * <p>A request the inventory service cannot handle is an error its caller sees at once, not a timeout. Every
 * {@code --malformed-every}th order (unless it is already a discontinued one) has a quantity that is not a number; the
 * inventory's handler fails on it, {@link Consumer#process} tries it {@value #RETRIES} more times
 * ({@link ConsumerOptions#retry}, with backoff: the order's item waits meanwhile, as orders of one key run one at a time)
 * and then sends it to {@code inventory-requests.dlq} ({@link ConsumerOptions#deadLetterTopic}) with the request's own
 * headers and the cause in {@link DeadLetterHeaders}. The order service reads that topic too, and fails the caller
 * waiting on the dead letter's correlation id with an {@link OrderFailed} carrying the handler's error.
 */
@Command(name = "order-service", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Request/reply over a node: orders ask inventory by correlation id; a missing reply times out,"
                + " a request that cannot be handled is dead-lettered and fails its caller.")
public final class OrderService extends Example {
    static final String REQUESTS = "inventory-requests";
    static final String REPLIES = "order-replies";
    static final String DEAD_LETTERS = REQUESTS + ".dlq";
    static final String CORRELATION_ID = "correlation-id";
    static final String REPLY_TO = "reply-to";
    static final String DISCONTINUED = "discontinued-item";
    static final int ITEMS = 10;
    /** How many times the inventory service tries a failing request again before dead-lettering it. */
    static final int RETRIES = 2;

    @Option(names = "--records", converter = Positive.class, description = "Order requests to send (default: ${DEFAULT-VALUE}).")
    int records = 1000;

    @Option(names = "--in-flight", converter = Positive.class, description = "Requests waiting for a reply at most (default: ${DEFAULT-VALUE}).")
    int inFlight = 64;

    @Option(names = "--timeout-ms", converter = Positive.class, description = "How long a request waits for its reply (default: ${DEFAULT-VALUE}).")
    int timeoutMs = 2000;

    @Option(names = "--unanswered-every", converter = NonNegative.class, description = "Every Nth order is for a discontinued item, which the inventory"
            + " service never answers; 0: none (default: ${DEFAULT-VALUE}).")
    int unansweredEvery = 50;

    @Option(names = "--malformed-every", converter = NonNegative.class, description = "Every Nth order has a quantity that is not a number, which the"
            + " inventory service fails on, retries and dead-letters (an order that is also a discontinued one stays"
            + " that); 0: none (default: ${DEFAULT-VALUE}).")
    int malformedEvery = 40;

    @Option(names = "--stock", converter = NonNegative.class, description = "Units in stock of each of the " + ITEMS + " items (default: ${DEFAULT-VALUE}).")
    int stock = 90;

    @Override
    protected void run(Summary summary) {
        // 1. A node: an engine in this process served over TCP on a free port, with the two topics.
        try (Sluice engine = Sluice.embedded();
             SluiceServer node = SluiceServer.start(engine, ServerOptions.create().host("127.0.0.1").port(0))) {
            engine.admin().createTopic(TopicSpec.of(REQUESTS).partitions(4)).block();
            engine.admin().createTopic(TopicSpec.of(REPLIES).partitions(4)).block();
            // made here: a client of a node creates a missing dead-letter topic only with a token that may create topics
            engine.admin().createTopic(TopicSpec.of(DEAD_LETTERS).partitions(4)).block();
            say("node on 127.0.0.1:%d, topics %s, %s and %s (4 partitions each)", node.port(), REQUESTS, REPLIES,
                    DEAD_LETTERS);

            // 2. Two services, each with its own connection to the node.
            try (Sluice inventoryConnection = connect(node, "inventory-service");
                 Sluice ordersConnection = connect(node, "order-service")) {
                InventoryService inventory = new InventoryService(inventoryConnection, stock);
                Disposable inventoryRunning = inventory.start();
                say("inventory service: answering %s, %d items with %d units each; orders for %s get no answer;"
                        + " a malformed order is tried %d times, then sent to %s", REQUESTS, ITEMS, stock, DISCONTINUED,
                        RETRIES + 1, DEAD_LETTERS);

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
                report(outcomes, inventory, requests.lateReplies.get(), summary);
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
        String quantity = isMalformed(i) ? "one" : "1";
        long start = System.nanoTime();
        return requests.request(orderId, item, quantity)
                .map(answer -> new Outcome(orderId, answer, System.nanoTime() - start, null))
                .onErrorResume(e -> e instanceof TimeoutException || e instanceof OrderFailed,
                        e -> Mono.just(new Outcome(orderId, null, System.nanoTime() - start, e)));
    }

    private boolean isDiscontinued(int i) {
        return unansweredEvery > 0 && (i + 1) % unansweredEvery == 0;
    }

    /** Disjoint from the discontinued orders: an order that would be both is a discontinued one. */
    private boolean isMalformed(int i) {
        return malformedEvery > 0 && (i + 1) % malformedEvery == 0 && !isDiscontinued(i);
    }

    private void report(List<Outcome> outcomes, InventoryService inventory, long lateReplies, Summary summary) {
        long reserved = outcomes.stream().filter(o -> "reserved".equals(o.answer())).count();
        long outOfStock = outcomes.stream().filter(o -> "out-of-stock".equals(o.answer())).count();
        long timedOut = outcomes.stream().filter(o -> o.error() instanceof TimeoutException).count();
        List<OrderFailed> failures = outcomes.stream().map(Outcome::error)
                .filter(OrderFailed.class::isInstance).map(OrderFailed.class::cast).toList();
        long expectedTimedOut = unansweredEvery > 0 ? records / unansweredEvery : 0;
        List<String> malformed = IntStream.range(0, records).filter(this::isMalformed).mapToObj(i -> "order-" + i).toList();
        long answered = reserved + outOfStock;
        // the caller of each malformed order, and only those, got the handler's error, after every attempt it had
        boolean malformedFailed = failures.size() == malformed.size()
                && failures.stream().allMatch(f -> malformed.contains(f.orderId) && f.attempts == RETRIES + 1
                        && f.exception.equals(IllegalArgumentException.class.getName()));
        for (Class<?> kind : List.of(TimeoutException.class, OrderFailed.class)) {
            outcomes.stream().filter(o -> kind.isInstance(o.error())).findFirst()
                    .ifPresent(o -> say("for example %s failed with %s", o.orderId(), o.error()));
        }
        long[] failedIn = outcomes.stream().filter(o -> o.error() instanceof OrderFailed).mapToLong(Outcome::nanos)
                .sorted().toArray();

        long[] latencies = outcomes.stream().filter(o -> o.answer() != null).mapToLong(Outcome::nanos).sorted().toArray();
        summary.put("requests", records)
                .put("answered", answered)
                .put("reserved", reserved)
                .put("out of stock", outOfStock)
                .put("timed out", timedOut)
                .put("expected timed out", expectedTimedOut)
                .put("ignored by inventory", inventory.ignored.get())
                .put("malformed", malformed.size())
                .put("failed handler attempts", inventory.failures.get())
                .put("dead-lettered", inventory.deadLettered.get())
                .put("failed with the handler's error", failures.size())
                .put("late replies", lateReplies)
                .put("reply latency p50", millis(percentile(latencies, 50)))
                .put("reply latency p99", millis(percentile(latencies, 99)))
                .put("failure latency max", millis(percentile(failedIn, 100)))
                .check("answered + timed out + failed == requests", answered + timedOut + failures.size() == records)
                .check("timed out exactly the ignored ones", timedOut == expectedTimedOut)
                .check("every malformed order dead-lettered after its retries, its caller failed (not timed out)",
                        inventory.deadLettered.get() == malformed.size() && malformedFailed);
    }

    /**
     * How one order ended: {@code answer} ("reserved", "out-of-stock"), or {@code error}: a {@link TimeoutException}
     * when no reply came in time, an {@link OrderFailed} when the request was dead-lettered. {@code nanos}: how long.
     */
    record Outcome(String orderId, String answer, long nanos, Throwable error) {
    }

    /** A request the inventory service gave up on: its dead letter's cause ({@link DeadLetterHeaders}). */
    static final class OrderFailed extends RuntimeException {
        final String orderId;
        final String exception;
        final int attempts;

        OrderFailed(String orderId, String exception, String message, int attempts) {
            super(orderId + " was dead-lettered after " + attempts + " attempts: " + exception + ": " + message,
                    null, false, false); // no stack trace: the cause happened in the inventory service
            this.orderId = orderId;
            this.exception = exception;
            this.attempts = attempts;
        }
    }

    /**
     * The order service's side of request/reply: sends a request carrying a correlation id and the reply topic, and
     * completes the caller's {@code Mono} when the reply with that id arrives on the one reply consumer, fails it with
     * an {@link OrderFailed} when the request arrives on the dead-letter topic instead, or with a
     * {@link TimeoutException} when neither came in time. One instance here; several would each need a reply topic (or
     * a partition) of their own, named in {@code reply-to}, since a group shares a topic's records among its members.
     */
    static final class RequestReply {
        private final Sluice sluice;
        private final Producer producer;
        private final Duration timeout;
        /** Requests waiting for their reply, by correlation id. */
        private final Map<String, Sinks.One<String>> pending = new ConcurrentHashMap<>();
        /** Replies (and dead letters) whose caller had stopped waiting (or never asked). */
        final AtomicLong lateReplies = new AtomicLong();

        RequestReply(Sluice sluice, Duration timeout) {
            this.sluice = sluice;
            this.producer = sluice.producer(ProducerOptions.create());
            this.timeout = timeout;
        }

        /**
         * Starts the reply consumer and the dead-letter consumer (one member reading both topics); from the topics'
         * start, so no reply or dead letter sent before it joined is missed.
         */
        Disposable start() {
            return sluice.consumer(ConsumerOptions.create("order-service").topics(REPLIES, DEAD_LETTERS))
                    .receiveAutoAck()
                    .subscribe(r -> {
                        if (r.topic().equals(DEAD_LETTERS)) {
                            onDeadLetter(r);
                        } else {
                            onReply(r);
                        }
                    });
        }

        /** The reply's value, or an error: {@link OrderFailed}, or a {@link TimeoutException} when nothing came in time. */
        Mono<String> request(String correlationId, String item, String quantity) {
            return Mono.defer(() -> {
                Sinks.One<String> reply = Sinks.one();
                pending.put(correlationId, reply);
                OutboundMessage<Void> request = OutboundMessage.<Void>of(REQUESTS, item, bytes(quantity + " x " + item), null)
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

        /** A request the inventory service gave up on: its caller fails now, with the handler's error. */
        private void onDeadLetter(Record deadLetter) {
            Headers h = deadLetter.headers();
            String correlationId = h.lastString(CORRELATION_ID);
            Sinks.One<String> waiting = pending.remove(correlationId);
            if (waiting == null) {
                lateReplies.incrementAndGet();
            } else {
                waiting.tryEmitError(new OrderFailed(correlationId, h.lastString(DeadLetterHeaders.EXCEPTION),
                        h.lastString(DeadLetterHeaders.MESSAGE), Integer.parseInt(h.lastString(DeadLetterHeaders.ATTEMPTS))));
            }
        }
    }

    /**
     * The inventory service: reserves the units of the item each request names ({@code "1 x item-3"}) and replies to
     * the request's {@code reply-to} topic with its {@code correlation-id}. Requests for one item run one at a time (the
     * item is the key, {@link Ordering#PER_KEY}); a request for the discontinued item is acknowledged without a reply. A
     * request whose quantity is not a number fails the handler; {@code process} retries it and then dead-letters it.
     */
    static final class InventoryService {
        private final Sluice sluice;
        private final Producer replies;
        private final Map<String, AtomicInteger> unitsLeft = new ConcurrentHashMap<>();
        final AtomicLong ignored = new AtomicLong();
        /** Handler attempts that failed, retries included. */
        final AtomicLong failures = new AtomicLong();
        final AtomicLong deadLettered = new AtomicLong();

        InventoryService(Sluice sluice, int stock) {
            this.sluice = sluice;
            this.replies = sluice.producer(ProducerOptions.create());
            for (int i = 0; i < ITEMS; i++) {
                unitsLeft.put("item-" + i, new AtomicInteger(stock));
            }
        }

        Disposable start() {
            return sluice.consumer(ConsumerOptions.create("inventory").topics(REQUESTS)
                            .concurrency(16).ordering(Ordering.PER_KEY)
                            .retry(Retry.backoff(RETRIES, Duration.ofMillis(10)))
                            .deadLetterTopic(DEAD_LETTERS))
                    .process(this::handle)
                    .filter(result -> result.outcome() == Result.Outcome.DEAD_LETTERED)
                    .subscribe(result -> deadLettered.incrementAndGet());
        }

        /** Completes once the reply is appended: the request is acknowledged only then. */
        private Mono<Void> handle(Record request) {
            String item = request.keyAsString();
            if (item.equals(DISCONTINUED)) { // no reply at all: the caller's timeout is its only answer
                ignored.incrementAndGet();
                return Mono.empty();
            }
            int quantity = quantity(request);
            int before = unitsLeft.get(item).getAndUpdate(n -> n >= quantity ? n - quantity : n);
            String answer = before >= quantity ? "reserved" : "out-of-stock";
            String replyTo = request.headers().lastString(REPLY_TO);
            String correlationId = request.headers().lastString(CORRELATION_ID);
            OutboundMessage<Void> reply = OutboundMessage.<Void>of(replyTo, item, bytes(answer), null)
                    .withHeaders(Headers.of(CORRELATION_ID, correlationId));
            return replies.send(reply).then();
        }

        /** The {@code N} of a request {@code "N x item"}; a request without one fails its handler. */
        private int quantity(Record request) {
            String order = request.valueAsString();
            String quantity = order.substring(0, Math.max(order.indexOf(" x "), 0));
            try {
                return Integer.parseInt(quantity);
            } catch (NumberFormatException e) {
                failures.incrementAndGet();
                throw new IllegalArgumentException("malformed order '" + order + "' ("
                        + request.headers().lastString(CORRELATION_ID) + "): quantity '" + quantity + "' is not a number");
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
