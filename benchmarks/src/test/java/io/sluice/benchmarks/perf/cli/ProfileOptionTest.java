package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --profile} on the command line: validated with errors that name what is wrong, and run end to end. */
class ProfileOptionTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aBadProfileIsNamedWithTheFormsItCouldHaveBeen() {
        assertThat(execute("run", "--profile", "ramp:0-fast/10s")).isEqualTo(2);
        assertThat(err.toString()).contains("--profile 'ramp:0-fast/10s': 'fast' is not a rate").doesNotContain("Exception");
    }

    @Test
    void aProfileSetsTheRateAndLengthSoRateDurationAndCountAreRefusedBesideIt() {
        for (String[] other : new String[][] {{"--rate", "1000"}, {"--duration", "5s"}, {"--count", "100"}}) {
            StringWriter e = new StringWriter();
            int code = SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(e, true), "run", "--profile", "step:1k/1s",
                    other[0], other[1]);
            assertThat(code).isEqualTo(2);
            assertThat(e.toString()).contains("--profile sets the run's rate and length: it cannot be combined with " + other[0]);
        }
    }

    @Test
    void theCommandLinesProfileOverridesAWorkloadFilesRateAndAFileMayNotHoldBoth(@TempDir Path dir) throws Exception {
        Path rated = Files.writeString(dir.resolve("rated.properties"), "rate=500\nduration=30s\n");
        assertThat(execute("run", "--target", "reactor-raw", "--workload", rated.toString(), "--profile", "step:2k/1s", "--warmup", "0",
                "-q")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("profile step:2k/1s (1s, 2,000 records").contains("sent 2,000 records");

        Path both = Files.writeString(dir.resolve("both.properties"), "rate=500\nprofile=step:2k/1s\n");
        assertThat(execute("run", "--workload", both.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--profile sets the run's rate and length: it cannot be combined with --rate");
    }

    @Test
    void aRampRunWritesItsSecondsRatesAndLatenciesToTheJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("ramp.json");
        int code = execute("run", "--target", "reactor-raw", "--profile", "ramp:1k-3k/3s", "--warmup", "0", "-q", "--json", json.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("profile ramp:1k-3k/3s (3s, 6,000 records, 2,000 msgs/s on average)");
        String written = Files.readString(json);
        assertThat(written).contains("\"profile\": \"ramp:1k-3k/3s\"").contains("\"sent\": 6000")
                .containsPattern("\"latency_timeline\": \\[\\{\"count\": [1-9][0-9]*, \"p50\": [0-9.]+, \"p99\": [0-9.]+, \"max\": [0-9.]+\\}, \\{");
    }
}
