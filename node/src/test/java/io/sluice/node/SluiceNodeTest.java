package io.sluice.node;

import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.DisconnectedException;
import io.sluice.errors.UnauthorizedException;
import io.sluice.producer.ProducerOptions;
import io.sluice.log.LogStore;
import io.sluice.testing.Messages;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import static io.sluice.testing.Messages.seq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node run in process on free ports with a memory store: a client over TCP, /health and /metrics over HTTP. */
class SluiceNodeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private RunningNode start(String... args) {
        RunningNode node = SluiceNode.parse(args).start();
        open.add(node);
        return node;
    }

    private NettySluice connect(RunningNode node, UnaryOperator<ClientOptions> options) {
        NettySluice client = NettySluice.connect(options.apply(ClientOptions.create().address(node.host(), node.port())));
        open.add(client);
        return client;
    }

    private NettySluice connect(RunningNode node) {
        return connect(node, o -> o);
    }

    private static void produce(NettySluice client, String topic, int count) {
        StepVerifier.create(client.admin().createTopic(TopicSpec.of(topic).partitions(2))).verifyComplete();
        StepVerifier.create(client.producer(ProducerOptions.create()).send(Messages.sequence(topic, count, i -> "k" + i % 7)))
                .expectNextCount(count)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aClientProducesAndConsumesThroughTheNode() {
        RunningNode node = start("--port", "0", "--http-port", "0");
        NettySluice client = connect(node);
        produce(client, "orders", 100);

        List<Long> seqs = new ArrayList<>();
        StepVerifier.create(client.consumer(ConsumerOptions.create("billing").topics("orders")).receiveAutoAck().take(100), 0)
                .thenRequest(100)
                .thenConsumeWhile(r -> seqs.add(seq(r)))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 100).boxed().toList());
    }

    @Test
    void theListeningLineNamesTheBoundPorts() {
        RunningNode node = start("--port", "0", "--http-port", "0");
        assertThat(node.port()).isPositive();
        assertThat(node.httpPort()).isPositive().isNotEqualTo(node.port());
        assertThat(node.listeningLine())
                .isEqualTo("sluice-node listening on 127.0.0.1:" + node.port() + " http 127.0.0.1:" + node.httpPort());
    }

    @Test
    void withoutAnHttpPortTheLineSaysHttpOff() {
        RunningNode node = start("--port", "0");
        assertThat(node.httpPort()).isEqualTo(-1);
        assertThat(node.listeningLine()).isEqualTo("sluice-node listening on 127.0.0.1:" + node.port() + " http off");
    }

    @Test
    void healthAnswersUpWithNameStoreAndConnections() {
        RunningNode node = start("--port", "0", "--http-port", "0", "--name", "node-a");
        connect(node);

        Http health = Http.get(node.httpPort(), "/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.contentType()).startsWith("application/json");
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"name\":\"node-a\",\"store\":\"memory\",\"connections\":1}");
        assertThat(health.cacheControl()).isEqualTo("no-store");
    }

    @Test
    void healthAnswers503OnceTheEngineIsClosed() {
        RunningNode node = start("--port", "0", "--http-port", "0");
        node.engine().close();

        Http health = Http.get(node.httpPort(), "/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.body()).startsWith("{\"status\":\"DOWN\",").contains("\"error\":\"engine 'sluice' is closed\"");
        assertThat(health.cacheControl()).isEqualTo("no-store");
    }

    @Test
    void healthAnswers503WhenTheStoreDoesNotAnswerAReadWithinTwoSeconds() {
        // the node's own wiring, with its store's topics() made to never answer once silent is set
        AtomicBoolean silent = new AtomicBoolean();
        RunningNode node = SluiceNode.parse("--port", "0", "--http-port", "0", "--store", "h2mem", "--name", "slow-store")
                .start(h2 -> (LogStore) Proxy.newProxyInstance(LogStore.class.getClassLoader(), new Class<?>[] {LogStore.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("topics") && silent.get()) {
                                return Flux.never();
                            }
                            try {
                                return method.invoke(h2, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }));
        open.add(node);

        Http up = Http.get(node.httpPort(), "/health");
        assertThat(up.status()).as("while the store answers").isEqualTo(200);
        assertThat(up.body()).startsWith("{\"status\":\"UP\",\"name\":\"slow-store\",\"store\":\"h2mem\"");

        silent.set(true);
        Http down = Http.get(node.httpPort(), "/health");
        assertThat(down.status()).as("once the store does not answer").isEqualTo(503);
        assertThat(down.body()).startsWith("{\"status\":\"DOWN\",").contains("\"error\":\"store: ").contains("2000ms");
        assertThat(down.cacheControl()).isEqualTo("no-store");
    }

    @Test
    void metricsServePrometheusTextCountingTheRecordsProduced() {
        RunningNode node = start("--port", "0", "--http-port", "0", "--name", "node-m");
        produce(connect(node), "orders", 25);

        Http metrics = Http.get(node.httpPort(), "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body().lines())
                .contains("sluice_records_in_total{node=\"node-m\",topic=\"orders\"} 25.0")
                .anyMatch(l -> l.startsWith("sluice_transport_connections{") && l.endsWith(" 1.0"));
    }

    @Test
    void otherPathsAnswer404() {
        RunningNode node = start("--port", "0", "--http-port", "0");
        assertThat(Http.get(node.httpPort(), "/").status()).isEqualTo(404);
        assertThat(Http.get(node.httpPort(), "/metricsx").status()).isEqualTo(404);
    }

    @Test
    void tokensDecideWhoMayConnectWriteAndAdminister() {
        RunningNode node = start("--port", "0", "--token", "writer=write=orders;admin", "--token", "reader=read=orders");

        assertThatThrownBy(() -> connect(node)).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> connect(node, o -> o.token("guess"))).isInstanceOf(UnauthorizedException.class);

        produce(connect(node, o -> o.token("writer")), "orders", 10);

        NettySluice reader = connect(node, o -> o.token("reader"));
        StepVerifier.create(reader.admin().createTopic(TopicSpec.of("audit")))
                .expectError(UnauthorizedException.class)
                .verify(TIMEOUT);
        StepVerifier.create(reader.consumer(ConsumerOptions.create("billing").topics("orders")).receiveAutoAck().take(10))
                .expectNextCount(10)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aTakenPortFailsTheStartWithExitCode1AndOneLine() {
        RunningNode node = start("--port", "0");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = SluiceNode.execute(new PrintWriter(out, true), new PrintWriter(err, true), "--port", "" + node.port());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().strip().lines()).singleElement().asString()
                .startsWith("sluice-node: cannot start: ").contains("" + node.port());
    }

    @Test
    void closingTheNodeStopsBothPortsAndCompletesOnClose() {
        RunningNode node = start("--port", "0", "--http-port", "0");
        connect(node);
        assertThat(node.connections()).isEqualTo(1);

        node.close();

        StepVerifier.create(node.onClose()).expectComplete().verify(TIMEOUT);
        assertThatThrownBy(() -> connect(node, o -> o.connectTimeout(Duration.ofSeconds(2))))
                .isInstanceOf(DisconnectedException.class);
        assertThatThrownBy(() -> Http.get(node.httpPort(), "/health")).hasMessageContaining("Connection refused");
        node.close(); // idempotent
    }
}
