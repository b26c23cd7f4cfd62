package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.Admin;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.DisconnectedException;
import io.sluice.partition.Partitioners;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.spi.SendTarget;
import io.sluice.testing.Messages;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Connections cut mid-stream, by the node and by the client, several times: an idempotent producer's 100,000
 * records end as exactly 100,000 records in the log (the node drops the copies that resends bring), dense and
 * each once, and the consumer group receives every one of them (at least once: a member that lost its
 * connection gets its unacknowledged records again). A send waiting for a restarted node goes through soon after
 * the node listens again: the client's waits between attempts are capped at a second by default.
 */
class ReconnectTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int N = 100_000;
    private static final int CUTS = 6;

    private final LoopbackNode node = new LoopbackNode(s -> s, c -> c.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)));

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void cutConnectionsLoseAndDuplicateNothing() {
        // a backlog bound well below N holds the producer back, so that cuts land while it is sending
        node.admin().createTopic(TopicSpec.of("orders").partitions(4).maxBacklog(2_000)).block(TIMEOUT);
        BitSet received = new BitSet(N);
        AtomicLong deliveries = new AtomicLong();
        AtomicInteger cuts = new AtomicInteger();
        // every N / (CUTS + 1) records received, cut the connection: the node's side and the client's, in turn
        Mono<Void> consuming = node.consumer(ConsumerOptions.create("billing").topics("orders").prefetch(256))
                .receive()
                .doOnNext(d -> {
                    long seq = Messages.seq(d.record());
                    synchronized (received) {
                        received.set((int) seq);
                    }
                    d.ack();
                    if (deliveries.incrementAndGet() % (N / (CUTS + 1)) == 0 && cuts.get() < CUTS) {
                        if (cuts.getAndIncrement() % 2 == 0) {
                            node.server.dropConnections();
                        } else {
                            node.client.dropConnection();
                        }
                    }
                })
                .takeUntil(d -> {
                    synchronized (received) {
                        return received.cardinality() == N;
                    }
                })
                .then();
        Flux<OutboundMessage<Long>> records = Flux.range(0, N)
                .map(i -> OutboundMessage.of("orders", (String) null, Messages.value(i, 100), (long) i));
        Mono<Void> producing = node.producer(ProducerOptions.create().partitioner(Partitioners.roundRobin())).send(records).then();

        StepVerifier.create(Mono.when(consuming, producing)).expectComplete().verify(TIMEOUT);

        assertThat(cuts.get()).as("connections cut").isEqualTo(CUTS);
        assertThat(node.client.connections()).as("connections made").isGreaterThan(CUTS);
        // the log: exactly N records, dense offsets from 0 in each partition, every sequence number once
        long total = node.engine.admin().describeTopic("orders").block(TIMEOUT).partitions().stream()
                .mapToLong(p -> p.endOffset() - p.startOffset()).sum();
        assertThat(total).as("records in the log").isEqualTo(N);
        BitSet inLog = new BitSet(N);
        AtomicLong duplicates = new AtomicLong();
        StepVerifier.create(node.engine.consumer(ConsumerOptions.create("audit").topics("orders")).receiveAutoAck().take(N))
                .thenConsumeWhile(r -> {
                    int seq = (int) Messages.seq(r);
                    if (inLog.get(seq)) {
                        duplicates.incrementAndGet();
                    }
                    inLog.set(seq);
                    assertThat(r.value()).isEqualTo(Messages.value(seq, 100));
                    return true;
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(duplicates.get()).as("duplicated in the log").isZero();
        assertThat(inLog.cardinality()).isEqualTo(N);
        assertThat(received.cardinality()).as("received by the group").isEqualTo(N);
        System.out.printf("ReconnectTest: %d cuts, %d connections, %d deliveries for %d records%n", cuts.get(),
                node.client.connections(), deliveries.get(), N);
    }

    @Test
    void aSendToANodeThatIsGoneFailsAfterTheDeliveryTimeoutNamingIt() {
        try (LoopbackNode lonely = new LoopbackNode(s -> s, c -> c.deliveryTimeout(Duration.ofMillis(500)))) {
            lonely.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
            lonely.server.close();
            StepVerifier.create(lonely.producer(ProducerOptions.create()).send(OutboundMessage.of("orders", new byte[10])))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(io.sluice.errors.DisconnectedException.class)
                            .hasMessageContaining("orders-0").hasMessageContaining("delivery timeout").hasMessageContaining("127.0.0.1:"))
                    .verify(TIMEOUT);
        }
    }

    @Test
    void aSendWaitingForARestartedNodeIsAcknowledgedWithinASecondAndAHalfOfItListeningAgain() {
        Duration down = Duration.ofSeconds(3); // long enough for the client's waits to reach their cap
        Sluice engine = Sluice.embedded(EngineOptions.create().name("restarted"));
        SluiceServer first = SluiceServer.start(engine, ServerOptions.create().port(0));
        int port = first.port();
        AtomicReference<SluiceServer> second = new AtomicReference<>();
        AtomicLong listeningAt = new AtomicLong();
        AtomicLong acknowledgedAt = new AtomicLong();
        try (NettySluice client = NettySluice.connect(ClientOptions.create().address("127.0.0.1", port))) { // the default backoff
            client.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
            first.close();

            StepVerifier acknowledged = StepVerifier.create(client.producer(ProducerOptions.create())
                            .send(OutboundMessage.of("orders", new byte[100])).doOnNext(r -> acknowledgedAt.set(System.nanoTime())))
                    .assertNext(r -> assertThat(r.offset()).isZero()).expectComplete().verifyLater();
            StepVerifier.create(Mono.delay(down, Schedulers.boundedElastic())
                            .map(t -> SluiceServer.start(engine, ServerOptions.create().port(port)))
                            .doOnNext(s -> listeningAt.set(System.nanoTime())))
                    .consumeNextWith(second::set).expectComplete().verify(TIMEOUT);
            acknowledged.verify(TIMEOUT);

            Duration resumedAfter = Duration.ofNanos(acknowledgedAt.get() - listeningAt.get());
            System.out.printf("ReconnectTest: node down %d ms; the waiting send was acknowledged %d ms after it listened again (%d connections)%n",
                    down.toMillis(), resumedAfter.toMillis(), client.connections());
            assertThat(resumedAfter).as("from the node listening again to the acknowledgement").isLessThan(Duration.ofMillis(1_500));
            assertThat(client.connections()).isEqualTo(2);
        } finally {
            first.close(); // again when the test got that far: a second close does nothing
            if (second.get() != null) {
                second.get().close();
            }
            engine.close();
        }
    }

    @Test
    void anAdminRequestInFlightFailsWithDisconnectedExceptionWhenItsConnectionIsLost() throws InterruptedException {
        // the node's side is cut in one case, the client's in the other
        for (boolean nodeSide : new boolean[] {true, false}) {
            Sluice engine = Sluice.embedded(EngineOptions.create().name("held"));
            HeldAdminEngine held = new HeldAdminEngine(engine, "held");
            SluiceServer server = SluiceServer.start(held, ServerOptions.create().port(0));
            try (NettySluice client = NettySluice.connect(ClientOptions.create().address("127.0.0.1", server.port())
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)))) {
                StepVerifier failed = StepVerifier.create(client.admin().describeTopic("held"))
                        .expectErrorSatisfies(e -> assertThat(e).as(nodeSide ? "cut by the node" : "cut by the client")
                                .isInstanceOf(DisconnectedException.class)
                                // not the request timeout's "did not answer": the lost connection failed it
                                .hasMessageContaining("the connection to node").hasMessageContaining("was lost"))
                        .verifyLater();
                // the node has the request and will not answer it: it is in flight
                assertThat(held.asked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the node received the request").isTrue();
                if (nodeSide) {
                    server.dropConnections();
                } else {
                    client.dropConnection();
                }
                failed.verify(TIMEOUT);
                // a request sent after the reconnect is answered: the client lost that one request, not the node
                client.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
                assertThat(client.admin().describeTopic("orders").block(TIMEOUT).spec().name()).isEqualTo("orders");
            } finally {
                server.close();
                engine.close();
            }
        }
    }

    /**
     * An embedded engine whose admin never answers {@code describeTopic(heldName)}, and counts down {@link #asked}
     * once the node has asked it: the request is then in flight on its connection.
     */
    private static final class HeldAdminEngine implements Sluice, SendTarget {
        private final Sluice engine;
        private final SendTarget target;
        private final String heldName;
        final CountDownLatch asked = new CountDownLatch(1);

        HeldAdminEngine(Sluice engine, String heldName) {
            this.engine = engine;
            this.target = (SendTarget) engine;
            this.heldName = heldName;
        }

        @Override
        public Admin admin() {
            Admin admin = engine.admin();
            return new Admin() {
                @Override
                public Mono<Void> createTopic(TopicSpec spec) {
                    return admin.createTopic(spec);
                }

                @Override
                public Mono<Void> deleteTopic(String name) {
                    return admin.deleteTopic(name);
                }

                @Override
                public Mono<TopicDescription> describeTopic(String name) {
                    return name.equals(heldName) ? Mono.<TopicDescription>never().doOnSubscribe(s -> asked.countDown())
                            : admin.describeTopic(name);
                }

                @Override
                public Flux<String> listTopics() {
                    return admin.listTopics();
                }

                @Override
                public Flux<String> listGroups() {
                    return admin.listGroups();
                }

                @Override
                public Mono<GroupDescription> describeGroup(String group) {
                    return admin.describeGroup(group);
                }
            };
        }

        @Override
        public Producer producer(ProducerOptions options) {
            return engine.producer(options);
        }

        @Override
        public Consumer consumer(ConsumerOptions options) {
            return engine.consumer(options);
        }

        @Override
        public MeterRegistry meterRegistry() {
            return engine.meterRegistry();
        }

        @Override
        public void close() {
            engine.close();
        }

        @Override
        public Topic topic(String name) {
            return target.topic(name);
        }

        @Override
        public long clockMillis() {
            return target.clockMillis();
        }

        @Override
        public Scheduler senderScheduler() {
            return target.senderScheduler();
        }

        @Override
        public long newProducerId() {
            return target.newProducerId();
        }

        @Override
        public Throwable closedError() {
            return target.closedError();
        }
    }
}
