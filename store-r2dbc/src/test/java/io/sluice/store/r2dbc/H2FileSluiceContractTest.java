package io.sluice.store.r2dbc;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.contract.SluiceContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The core's producer/consumer contract, unchanged, on an engine storing into an H2 file (a fresh one per test). */
class H2FileSluiceContractTest extends SluiceContractTest {
    @TempDir
    Path dir;

    @Override
    protected Sluice newSluice() {
        R2dbcStore store = R2dbcStore.h2File(dir.resolve("sluice"));
        return Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("h2"));
    }

    /** An engine on the same H2 file: it recovers what the closed one stored. */
    @Override
    protected Sluice reopen() {
        return newSluice();
    }
}
