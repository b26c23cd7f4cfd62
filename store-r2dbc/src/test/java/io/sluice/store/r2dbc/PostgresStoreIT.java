package io.sluice.store.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.sluice.record.TopicPartition;
import io.sluice.testing.RequiresServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The contract on PostgreSQL, each test in a schema of its own, dropped afterwards. */
@RequiresServer(name = "PostgreSQL", port = 5432)
class PostgresStoreIT extends R2dbcStoreContract {
    static final String BASE = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";
    private static final AtomicInteger IDS = new AtomicInteger();

    private String schema;

    @Override
    R2dbcStore open() {
        if (schema == null) {
            schema = "sluice_it_" + ProcessHandle.current().pid() + "_" + IDS.incrementAndGet();
            sql("CREATE SCHEMA " + schema);
        }
        return R2dbcStore.postgres(BASE + "?schema=" + schema + "&applicationName=" + schema);
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            sql("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** The single number a query returns, on a connection of its own. */
    static long sqlLong(String query) {
        R2dbcStore.initializeSocketClasses();
        ConnectionFactory factory = ConnectionFactories.get(BASE);
        Long value = Mono.usingWhen(Mono.from(factory.create()),
                c -> Mono.from(c.createStatement(query).execute()).flatMap(r -> Mono.from(r.map((row, md) -> row.get(0, Long.class)))),
                c -> c.close()).block(Duration.ofSeconds(30));
        return value == null ? 0 : value;
    }

    /** One statement on a connection of its own. */
    static long sql(String sql) {
        R2dbcStore.initializeSocketClasses();
        ConnectionFactory factory = ConnectionFactories.get(BASE);
        return Mono.usingWhen(Mono.from(factory.create()),
                c -> Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated()).reduce(0L, Long::sum),
                c -> c.close()).block(Duration.ofSeconds(30));
    }

    @Test
    void aDroppedConnectionFailsPendingAppendsAndTheStoreRecovers() {
        TopicPartition tp = TopicPartition.of("orders", 0);
        store.append(tp, batch(0, 3, 1)).block();

        R2dbcStore.initializeSocketClasses();
        // The database ends every session of this store, as a restart would.
        long ended = Flux.from(Mono.usingWhen(Mono.from(ConnectionFactories.get(BASE).create()),
                c -> Flux.from(c.createStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
                        .bind(0, schema).execute()).concatMap(r -> r.map((row, md) -> row.get(0, Boolean.class))).count(),
                c -> c.close())).blockLast(Duration.ofSeconds(30));
        assertThat(ended).isPositive();

        StepVerifier.create(store.append(tp, batch(3, 3, 2))).expectError().verify(Duration.ofSeconds(30));
        // Once the database is back the store writes again (a pooled connection may still die once more).
        store.append(tp, batch(3, 3, 2)).retry(3).block(Duration.ofSeconds(30));
        assertThat(store.read(tp, 0, 10).map(b -> b.baseOffset()).collectList().block()).containsExactly(0L, 3L);
    }
}
