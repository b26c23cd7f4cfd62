package io.sluice.node;

import static io.sluice.testing.Messages.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.log.RecordBatch;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.TopicPartition;
import io.sluice.store.r2dbc.R2dbcStore;
import io.sluice.testing.Messages;
import io.sluice.testing.RequiresServer;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A store that blinks (issue #13): PostgreSQL ends every connection of the store each 2 s, for 30 s, while an
 * {@code Acks.STORED} producer sends, on an embedded engine and through a node. No error reaches the producer (the
 * engine holds acknowledgements while it stores the failed batches again), and every acknowledged record is stored
 * exactly once (read back from the table after the run) and consumed once. The test's schema is the connections'
 * application name, so that only this test's connections are ended.
 */
@RequiresServer(name = "PostgreSQL", port = 5432)
class PostgresBlinkIT {
    private static final String BASE = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Duration RUN = Duration.ofSeconds(30);
    private static final Duration BLINK = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int PARTITIONS = 4;

    private final String schema = "sluice_blink_" + ProcessHandle.current().pid() + "_" + IDS.incrementAndGet();
    private final String url = BASE + "?schema=" + schema + "&applicationName=" + schema;
    private ConnectionFactory factory;

    @BeforeEach
    void createSchema() throws IOException {
        // the JDK reads a file when it first opens a socket: here, not on an event loop where BlockHound would object
        try (SocketChannel warmUp = SocketChannel.open()) {
            warmUp.socket();
        }
        factory = ConnectionFactories.get(BASE); // on this thread: it reads jars, which an event loop must not
        sql("CREATE SCHEMA " + schema).block(TIMEOUT);
    }

    @AfterEach
    void dropSchema() {
        sql("DROP SCHEMA " + schema + " CASCADE").block(TIMEOUT);
    }

    @Test
    void anEmbeddedEngineWhoseDatabaseEndsItsConnectionsEveryTwoSecondsFailsNoSendAndStoresEachRecordOnce() {
        R2dbcStore store = R2dbcStore.postgres(url);
        List<Long> acked;
        try (Sluice engine = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("blink"))) {
            acked = blink(engine, engine);
        }
        assertStoredOnce(acked);
    }

    @Test
    void aNodeWhoseDatabaseEndsItsConnectionsEveryTwoSecondsFailsNoSendAndStoresEachRecordOnce() {
        List<Long> acked;
        try (RunningNode node = SluiceNode.parse("--port", "0", "--store", url).start();
             NettySluice client = NettySluice.connect(ClientOptions.create().address(node.host(), node.port()))) {
            acked = blink(client, node.engine());
        }
        assertStoredOnce(acked);
    }

    /**
     * Sends for {@link #RUN} through {@code client} while the database ends the store's connections every
     * {@link #BLINK}; returns the sequence numbers acknowledged, having checked that they are all that was sent, and
     * that a group consumes each once.
     */
    private List<Long> blink(Sluice client, Sluice engine) {
        client.admin().createTopic(TopicSpec.of("orders").partitions(PARTITIONS)).block(TIMEOUT);
        AtomicLong ended = new AtomicLong();
        AtomicReference<Throwable> blinkError = new AtomicReference<>();
        Disposable blinking = Flux.interval(BLINK, BLINK).onBackpressureDrop()
                .concatMap(t -> endStoreConnections())
                .subscribe(ended::addAndGet, blinkError::set);

        AtomicLong next = new AtomicLong();
        Flux<OutboundMessage<Long>> messages = Flux.interval(Duration.ofMillis(2)).onBackpressureDrop().take(RUN)
                .concatMapIterable(t -> {
                    List<OutboundMessage<Long>> ten = new ArrayList<>(10);
                    for (int i = 0; i < 10; i++) {
                        long s = next.getAndIncrement();
                        ten.add(OutboundMessage.of("orders", "k" + s % 64, Messages.value(s, 100), s));
                    }
                    return ten;
                });
        List<Long> acked;
        try {
            // an error reaching the producer ends the send and fails the test here
            acked = client.producer(ProducerOptions.create().acks(Acks.STORED)).send(messages).map(SendResult::correlation)
                    .collectList().block(RUN.plus(TIMEOUT));
        } finally {
            blinking.dispose();
        }
        assertThat(blinkError.get()).as("ending the store's connections").isNull();
        assertThat(ended.get()).as("connections the database ended").isPositive();
        Counter failures = engine.meterRegistry().find(SluiceMeters.STORE_APPEND_FAILURES).counter();
        assertThat(failures.count()).as("store writes that failed (and were stored again)").isPositive();
        assertThat(acked).as("every record sent was acknowledged").hasSize((int) next.get()).doesNotHaveDuplicates();

        List<Long> consumed = client.consumer(ConsumerOptions.create("audit").topics("orders")).receiveAutoAck()
                .take(acked.size()).map(r -> seq(r)).collectList().block(TIMEOUT);
        assertThat(consumed).as("consumed once each").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acked);
        long logged = client.admin().describeTopic("orders").block(TIMEOUT).partitions().stream()
                .mapToLong(p -> p.endOffset() - p.startOffset()).sum();
        assertThat(logged).as("records in the partition logs").isEqualTo(acked.size());
        System.out.printf("%s: %d records acknowledged, %d connections ended, %.0f store writes failed%n",
                client.getClass().getSimpleName(), acked.size(), ended.get(), failures.count());
        return acked;
    }

    /** Reads the table after the run, through a store of its own: each acknowledged record once, nothing else. */
    private void assertStoredOnce(List<Long> acked) {
        Map<Long, Integer> copies = new HashMap<>();
        R2dbcStore store = R2dbcStore.postgres(url);
        try {
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition("orders", p);
                for (RecordBatch b : store.read(tp, 0, Integer.MAX_VALUE).collectList().block(TIMEOUT)) {
                    b.records("orders", p, 0).forEachRemaining(r -> copies.merge(seq(r), 1, Integer::sum));
                }
            }
        } finally {
            store.close();
        }
        assertThat(copies.keySet()).as("stored records").containsExactlyInAnyOrderElementsOf(acked);
        assertThat(copies.values()).as("copies of each stored record").allMatch(n -> n == 1);
    }

    /** Ends every connection of this test's store (named by its application name); emits how many. */
    private Mono<Long> endStoreConnections() {
        return Mono.usingWhen(Mono.from(factory.create()),
                c -> Flux.from(c.createStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
                        .bind(0, schema).execute()).concatMap(r -> r.map((row, md) -> row.get(0, Boolean.class))).filter(b -> b).count(),
                c -> c.close());
    }

    private Mono<Long> sql(String sql) {
        return Mono.usingWhen(Mono.from(factory.create()),
                c -> Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated()).reduce(0L, Long::sum),
                c -> c.close());
    }
}
