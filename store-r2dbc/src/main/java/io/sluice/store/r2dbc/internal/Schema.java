package io.sluice.store.r2dbc.internal;

import io.r2dbc.spi.Connection;
import io.sluice.errors.SluiceException;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creates the store's tables on first start and records their version in {@code sluice_schema}; refuses a store
 * whose version is newer than this code knows (a newer Sluice wrote it), and upgrades older ones step by step.
 */
public final class Schema {
    /** The schema version this code reads and writes. */
    public static final int CURRENT = 2;

    private Schema() {
    }

    /** Brings the schema behind {@code c} to {@link #CURRENT}, or fails saying why it cannot. */
    public static Mono<Void> migrate(Connection c, Dialect dialect, String where) {
        return execute(c, "CREATE TABLE IF NOT EXISTS sluice_schema (schema_version INT NOT NULL)")
                .then(Flux.from(c.createStatement("SELECT MAX(schema_version) FROM sluice_schema").execute())
                        .concatMap(r -> r.map((row, md) -> {
                            Integer v = row.get(0, Integer.class);
                            return v == null ? 0 : v;
                        }))
                        .next()
                        .defaultIfEmpty(0))
                .flatMap(version -> {
                    if (version > CURRENT) {
                        return Mono.error(new SluiceException("the store at " + where + " has schema version " + version
                                + ", newer than version " + CURRENT + " that this Sluice knows: open it with a newer Sluice"));
                    }
                    if (version == CURRENT) {
                        return Mono.empty();
                    }
                    // each version's steps, from the store's version up to CURRENT (version 0: a new store)
                    List<String> steps = new ArrayList<>();
                    if (version < 1) {
                        steps.addAll(dialect.schemaV1());
                    }
                    steps.addAll(dialect.schemaV2());
                    return Flux.fromIterable(steps).concatMap(sql -> execute(c, sql))
                            .then(execute(c, "DELETE FROM sluice_schema"))
                            .then(execute(c, "INSERT INTO sluice_schema (schema_version) VALUES (" + CURRENT + ")"));
                });
    }

    private static Mono<Void> execute(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated()).then();
    }
}
