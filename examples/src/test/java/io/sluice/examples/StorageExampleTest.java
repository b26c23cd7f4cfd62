package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageExampleTest {
    private static final String[] STORES = {"memory", "H2 file", "node (memory)"};

    @Test
    void eachStoreReceivesEveryRecordOnceAndSaysWhatSurvivesAKill(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of("storage", "--records", "1000", "--rate", "500", "--seconds", "1",
                "--dir", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("records")).as(run.toString()).isEqualTo(1000);
        for (String store : STORES) {
            assertThat(run.summary()).as(run.toString()).containsEntry(store + " received every record once", "yes");
            assertThat(run.number(store + " records/s")).as(run.toString()).isPositive();
            assertThat(run.summary().get(store + " p99")).as(run.toString()).matches("\\d+\\.\\d ms");
        }
        assertThat(run.summary().get("memory survives a kill -9")).as(run.toString()).startsWith("nothing");
        assertThat(run.summary().get("H2 file survives a kill -9")).as(run.toString()).contains("acknowledged STORED");
        assertThat(run.summary().get("node (memory) survives a kill -9")).as(run.toString()).contains("node killed: nothing");
        assertThat(dir.resolve("sluice-storage.mv.db")).as("the H2 file stays in --dir").isNotEmptyFile();
    }
}
