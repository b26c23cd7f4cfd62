package io.sluice.store.r2dbc;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a process producing into an H2 file. */
class H2FileCrashTest extends CrashTestBase {
    @TempDir
    Path dir;

    @Override
    protected List<String> storeArguments() {
        return List.of("h2", dir.resolve("sluice").toString());
    }

    @Override
    protected R2dbcStore reopen() {
        return R2dbcStore.h2File(dir.resolve("sluice"));
    }
}
