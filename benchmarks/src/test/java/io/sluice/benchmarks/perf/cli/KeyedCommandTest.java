package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code sluice-perf keyed}: its table, and bad options refused in one line naming them. */
class KeyedCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void timesEachOrderingOnTheEmbeddedEngine() {
        assertThat(execute("keyed", "--target", "sluice-embedded", "--records", "600", "--keys", "30", "--work", "1ms",
                "--concurrency", "30", "--repeat", "1", "--warmup-runs", "0")).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("keyed on sluice-embedded: 600 records on 1 partition(s), 30 keys")
                .containsPattern("(?m)^PER_PARTITION +\\d+\\.\\d\\d +\\d+\\.\\d\\d")
                .containsPattern("(?m)^PER_KEY +\\d+\\.\\d\\d +\\d+\\.\\d\\d")
                .containsPattern("(?m)^UNORDERED +\\d+\\.\\d\\d +\\d+\\.\\d\\d");
    }

    @Test
    void badOptionsAreRefusedNamingThem() {
        assertThat(execute("keyed", "--target", "rabbitmq")).isEqualTo(2);
        assertThat(err.toString()).contains("--target must be sluice-kafka or sluice-embedded, was 'rabbitmq'");
        assertThat(execute("keyed", "--target", "sluice-embedded", "--keys", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--keys must be > 0, was 0");
        assertThat(execute("keyed", "--target", "sluice-embedded", "--bootstrap", "h:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap is for --target sluice-kafka");
        assertThat(execute("keyed", "--orderings", "SIDEWAYS")).isEqualTo(2);
        assertThat(err.toString()).contains("--orderings");
    }
}
