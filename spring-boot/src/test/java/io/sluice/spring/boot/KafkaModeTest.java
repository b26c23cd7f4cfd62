package io.sluice.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.Sluice;
import io.sluice.kafka.KafkaSluice;
import io.sluice.kafka.cluster.KafkaCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice.mode=kafka} against a one-node KRaft cluster in a child JVM, one for the class (a start takes seconds):
 * the health test runs last because it stops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaModeTest {
    private static KafkaCluster cluster;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class));

    @BeforeAll
    static void startCluster() {
        cluster = KafkaCluster.start(1);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theBeanSendsAndReceivesThroughTheCluster() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("sluice.mode=kafka", "sluice.kafka.bootstrap-servers=" + cluster.bootstrap(),
                        "sluice.kafka.client-id=orders-app", "sluice.kafka.properties.linger.ms=5")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Sluice.class);
                    Sluice sluice = context.getBean(Sluice.class);
                    assertThat(sluice).isInstanceOf(KafkaSluice.class);
                    assertThat(((KafkaSluice) sluice).options().properties()).containsEntry("linger.ms", "5");
                    assertThat(sluice.meterRegistry()).isSameAs(context.getBean(MeterRegistry.class));
                    EmbeddedModeTest.sendAndReceive(sluice, "orders", 100);

                    StepVerifier.create(context.getBean("sluiceHealthIndicator", ReactiveHealthIndicator.class).health())
                            .assertNext(h -> {
                                assertThat(h.getStatus()).isEqualTo(Status.UP);
                                assertThat(h.getDetails()).containsEntry("mode", "kafka").containsEntry("target", cluster.bootstrap());
                            })
                            .expectComplete()
                            .verify(Duration.ofSeconds(10));
                });
    }

    @Test
    @Order(2) // last: it stops the cluster
    void theHealthIndicatorIsDownOnceTheClusterStops() {
        runner.withPropertyValues("sluice.mode=kafka", "sluice.kafka.bootstrap-servers=" + cluster.bootstrap()).run(context -> {
            ReactiveHealthIndicator health = context.getBean("sluiceHealthIndicator", ReactiveHealthIndicator.class);
            StepVerifier.create(health.health().map(h -> h.getStatus())).expectNext(Status.UP).expectComplete().verify(Duration.ofSeconds(10));
            cluster.close();
            // the probe times out (5 s) once no broker answers; ask again until it says so, within a minute
            Mono<Health> down = health.health().filter(h -> h.getStatus().equals(Status.DOWN))
                    .repeatWhenEmpty(20, repeats -> repeats.delayElements(Duration.ofMillis(100)));
            StepVerifier.create(down)
                    .assertNext(h -> assertThat(h.getDetails()).containsEntry("mode", "kafka").containsEntry("target", cluster.bootstrap())
                            .containsKey("error"))
                    .expectComplete()
                    .verify(Duration.ofMinutes(1));
        });
    }
}
