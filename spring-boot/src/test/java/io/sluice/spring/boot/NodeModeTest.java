package io.sluice.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.Sluice;
import io.sluice.transport.netty.NettySluice;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice.mode=node}: a client of a real node ({@link SluiceServer} on a free port), and its health. */
class NodeModeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class));
    private Sluice engine;
    private SluiceServer node;

    @BeforeEach
    void startNode() {
        engine = Sluice.embedded();
        node = SluiceServer.start(engine, ServerOptions.create().port(0));
    }

    @AfterEach
    void stopNode() {
        node.close();
        engine.close();
    }

    private String address() {
        return "sluice.node.address=127.0.0.1:" + node.port();
    }

    @Test
    void theBeanIsAClientOfTheNodeThatSendsAndReceives() {
        NettySluice[] client = new NettySluice[1];
        runner.withPropertyValues("sluice.mode=node", address(), "sluice.node.client-id=orders-app").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Sluice.class);
            Sluice sluice = context.getBean(Sluice.class);
            assertThat(sluice).isInstanceOf(NettySluice.class);
            client[0] = (NettySluice) sluice;
            assertThat(client[0].isConnected()).isTrue();
            EmbeddedModeTest.sendAndReceive(sluice, "orders", 100);
            // the records are on the node's engine, not in the application
            StepVerifier.create(engine.admin().describeTopic("orders"))
                    .assertNext(t -> assertThat(t.partitions().stream().mapToLong(p -> p.endOffset()).sum()).isEqualTo(100))
                    .expectComplete()
                    .verify(TIMEOUT);
        });
        // the context closed the client
        assertThat(client[0].isConnected()).isFalse();
    }

    @Test
    void theHealthIndicatorIsUpWhileConnectedAndDownOnceTheNodeStops() {
        runner.withPropertyValues("sluice.mode=node", address()).run(context -> {
            ReactiveHealthIndicator health = context.getBean("sluiceHealthIndicator", ReactiveHealthIndicator.class);
            StepVerifier.create(health.health())
                    .assertNext(h -> {
                        assertThat(h.getStatus()).isEqualTo(Status.UP);
                        assertThat(h.getDetails()).containsEntry("mode", "node").containsEntry("target", "127.0.0.1:" + node.port());
                    })
                    .expectComplete()
                    .verify(TIMEOUT);

            // one Mono, subscribed again and again below: each subscription looks at the connection anew
            Mono<Health> down = health.health().filter(h -> h.getStatus().equals(Status.DOWN))
                    .repeatWhenEmpty(200, repeats -> repeats.delayElements(Duration.ofMillis(50)));
            node.close();

            // the client notices the closed connection; ask again (every 50 ms, within 10 s) until it reports DOWN
            StepVerifier.create(down)
                    .assertNext(h -> assertThat(h.getDetails())
                            .containsEntry("mode", "node")
                            .containsEntry("target", "127.0.0.1:" + node.port())
                            .hasEntrySatisfying("error", e -> assertThat(e.toString())
                                    .contains("not connected to the node at 127.0.0.1:" + node.port())))
                    .expectComplete()
                    .verify(Duration.ofSeconds(15));
        });
    }

    @Test
    void theClientsMetersAreInTheApplicationsRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("sluice.mode=node", address()).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Sluice sluice = context.getBean(Sluice.class);
            assertThat(sluice.meterRegistry()).isSameAs(registry);
            EmbeddedModeTest.sendAndReceive(sluice, "orders", 10);
            assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).anyMatch(name -> name.startsWith("sluice."));
        });
    }
}
