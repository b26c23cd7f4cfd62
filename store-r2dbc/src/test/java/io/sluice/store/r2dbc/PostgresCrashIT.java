package io.sluice.store.r2dbc;

import io.sluice.testing.RequiresServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** kill -9 of a process producing into PostgreSQL. */
@RequiresServer(name = "PostgreSQL", port = 5432)
class PostgresCrashIT extends CrashTestBase {
    private final PostgresSchema schema = new PostgresSchema("crash");

    @Override
    protected List<String> storeArguments() {
        return List.of("postgres", schema.url());
    }

    @Override
    protected R2dbcStore reopen() {
        return R2dbcStore.postgres(schema.url());
    }

    @AfterEach
    void dropSchema() {
        schema.drop();
    }
}
