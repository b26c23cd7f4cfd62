package io.sluice.store.r2dbc;

import io.sluice.contract.RestartContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Restarting an engine on the same H2 file: topics, records, end offsets and committed positions come back. */
class H2FileRestartTest extends RestartContractTest {
    @TempDir
    Path dir;

    @Override
    protected Stores reopen() {
        R2dbcStore store = R2dbcStore.h2File(dir.resolve("sluice"));
        return new Stores(store, store);
    }
}
