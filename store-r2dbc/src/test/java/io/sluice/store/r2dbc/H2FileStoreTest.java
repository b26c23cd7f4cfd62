package io.sluice.store.r2dbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract on an H2 file in a fresh directory per test. */
class H2FileStoreTest extends R2dbcStoreContract {
    @TempDir
    Path dir;

    @Override
    R2dbcStore open() {
        return R2dbcStore.h2File(dir.resolve("sluice"));
    }
}
