package io.sluice.store.r2dbc;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.contract.SluiceContractTest;
import io.sluice.testing.RequiresServer;
import org.junit.jupiter.api.AfterEach;

/** The core's producer/consumer contract, unchanged, on an engine storing into PostgreSQL (a schema per test). */
@RequiresServer(name = "PostgreSQL", port = 5432)
class PostgresSluiceContractIT extends SluiceContractTest {
    private final PostgresSchema schema = new PostgresSchema("contract");

    @Override
    protected Sluice newSluice() {
        R2dbcStore store = R2dbcStore.postgres(schema.url());
        return Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("postgres"));
    }

    @AfterEach
    void dropSchema() {
        sluice.close(); // before the schema goes; closing twice is harmless
        schema.drop();
    }
}
