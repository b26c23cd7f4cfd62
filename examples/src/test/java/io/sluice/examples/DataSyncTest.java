package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSyncTest {
    @Test
    void theTableEndsExactlyRightThroughTheCrashAndRestart(@TempDir Path dir) {
        ExampleRun run = ExampleRun.of("data-sync", "--records", "3000", "--keys", "25", "--dir", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("rows")).as(run.toString()).isEqualTo(25).isEqualTo(run.number("keys"));
        assertThat(run.summary()).as(run.toString()).containsEntry("balances match", "yes");
        assertThat(run.number("balance mismatches")).isZero();
        // the restart path ran: records came again, and those the crash left applied but unacknowledged were skipped
        assertThat(run.number("redelivered")).as(run.toString()).isPositive();
        assertThat(run.number("applied but not acknowledged")).isPositive();
        assertThat(run.number("skipped as duplicates")).isEqualTo(run.number("applied but not acknowledged"));
        assertThat(run.number("applied before the crash")).isBetween(1500L, 2999L);
        assertThat(run.number("applied")).isEqualTo(3000);
        assertThat(run.number("uncommitted records at the end")).isZero();
        assertThat(dir.resolve("sluice.mv.db")).exists();
        assertThat(dir.resolve("accounts.mv.db")).exists();
    }

    @Test
    void aDirectoryWithFilesInItIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("something"), "already here");

        ExampleRun run = ExampleRun.of("data-sync", "--records", "10", "--dir", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).contains("--dir", "is not empty");
        assertThat(dir.resolve("something")).hasContent("already here");
    }
}
