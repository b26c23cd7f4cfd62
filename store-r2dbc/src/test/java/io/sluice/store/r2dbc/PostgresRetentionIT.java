package io.sluice.store.r2dbc;

import io.sluice.testing.RequiresServer;
import org.junit.jupiter.api.AfterEach;

/** The PostgreSQL tables stay bounded while retention deletes (autovacuum reuses the dead rows' space). */
@RequiresServer(name = "PostgreSQL", port = 5432)
class PostgresRetentionIT extends RetentionTestBase {
    private final PostgresSchema schema = new PostgresSchema("retention");

    @Override
    protected R2dbcStore open() {
        return R2dbcStore.postgres(schema.url());
    }

    @Override
    protected long sizeOnDisk() {
        return PostgresStoreIT.sqlLong("SELECT pg_total_relation_size('" + schema.name() + ".sluice_batches')");
    }

    /** Three times the retained batches' bytes (500,000 records x about 110 bytes in their batches). */
    @Override
    protected long bound(long retainedBatchBytes) {
        return 3 * retainedBatchBytes;
    }

    @AfterEach
    void dropSchema() {
        schema.drop();
    }
}
