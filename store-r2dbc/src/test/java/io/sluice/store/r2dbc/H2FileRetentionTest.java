package io.sluice.store.r2dbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The H2 file stays bounded while retention deletes (RETENTION_TIME=0 lets H2 reuse the space at once). */
class H2FileRetentionTest extends RetentionTestBase {
    @TempDir
    Path dir;

    @Override
    protected R2dbcStore open() {
        return R2dbcStore.h2File(dir.resolve("retention"));
    }

    @Override
    protected long sizeOnDisk() {
        try {
            return Files.size(dir.resolve("retention.mv.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * 512 MiB. H2's MVStore writes every change to fresh space and compacts old chunks behind it, so the file runs
     * several times the ~55 MB of retained records (measured: 150 to 360 MB, going up and down); the five million
     * records would take about 1.5 GB if nothing were reclaimed.
     */
    @Override
    protected long bound() {
        return 512L * 1024 * 1024;
    }
}
