package io.sluice.store.r2dbc;

import io.sluice.contract.RestartContractTest;
import io.sluice.testing.RequiresServer;
import org.junit.jupiter.api.AfterEach;

/** Restarting an engine on the same PostgreSQL schema: topics, records, end offsets and committed positions come back. */
@RequiresServer(name = "PostgreSQL", port = 5432)
class PostgresRestartIT extends RestartContractTest {
    private final PostgresSchema schema = new PostgresSchema("restart");

    @Override
    protected Stores reopen() {
        R2dbcStore store = R2dbcStore.postgres(schema.url());
        return new Stores(store, store);
    }

    @AfterEach
    void dropSchema() {
        schema.drop();
    }
}
