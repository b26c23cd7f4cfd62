package io.sluice.spring.boot;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.sluice.Sluice;
import io.sluice.testing.RequiresServer;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice.store=r2dbc:postgresql://...}: an embedded engine on PostgreSQL, and a health check that reads it. */
@RequiresServer(name = "PostgreSQL", port = 5432)
class EmbeddedOnPostgresIT {
    private static final String BASE = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String schema = "sluice_boot_" + ProcessHandle.current().pid();
    private ConnectionFactory factory;

    @BeforeEach
    void createSchema() throws IOException {
        // the JDK reads a file when it first opens a socket: here, not on an event loop where BlockHound would object
        try (SocketChannel warmUp = SocketChannel.open()) {
            warmUp.socket();
        }
        factory = ConnectionFactories.get(BASE);
        sql("CREATE SCHEMA " + schema).block(TIMEOUT);
    }

    @AfterEach
    void dropSchema() {
        sql("DROP SCHEMA " + schema + " CASCADE").block(TIMEOUT);
    }

    @Test
    void anEngineOnPostgresSendsAndReceivesAndItsHealthReadsTheDatabase() {
        String url = BASE + "?schema=" + schema;
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                .withPropertyValues("sluice.store=" + url);
        runner.run(context -> {
                    assertThat(context).hasNotFailed();
                    EmbeddedModeTest.sendAndReceive(context.getBean(Sluice.class), "orders", 100);
                    StepVerifier.create(context.getBean("sluiceHealthIndicator", ReactiveHealthIndicator.class).health())
                            .assertNext(h -> {
                                assertThat(h.getStatus()).isEqualTo(Status.UP);
                                assertThat(h.getDetails()).containsEntry("mode", "embedded").containsEntry("target", url);
                            })
                            .expectComplete()
                            .verify(TIMEOUT);
                });
        // the next application on the same database finds the records
        runner.run(context -> StepVerifier.create(context.getBean(Sluice.class).admin().describeTopic("orders"))
                .assertNext(t -> assertThat(t.partitions().stream().mapToLong(p -> p.endOffset()).sum()).isEqualTo(100))
                .expectComplete()
                .verify(TIMEOUT));
    }

    private Mono<Long> sql(String sql) {
        return Mono.usingWhen(Mono.from(factory.create()),
                c -> Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated()).reduce(0L, Long::sum),
                c -> c.close());
    }
}
