package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.benchmarks.perf.measure.Latency;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsFirstColumnLeftAndTheRestRight() {
        String s = new Table("metric", "a", "bbbb").row("x", 1, 22).row("longer", 333, null).render();
        assertThat(s.lines()).containsExactly(
                "metric    a  bbbb",
                "------  ---  ----",
                "x         1    22",
                "longer  333");
    }

    @Test
    void refusesRowsWiderThanTheHeader() {
        assertThatThrownBy(() -> new Table("a").row(1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compareTableHasARatioColumnAgainstTheFirstTarget() {
        Workload w = Workload.builder().count(100).build();
        RunResult raw = new RunResult("reactor-raw", w, 100, -1, 100, 0, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                1000, 0.1, new Latency(100, 10, 20, 30, 40, 50, 15), null, java.util.Map.of());
        RunResult sluice = new RunResult("sluice-embedded", w, 100, 100, 101, 0, 1, 2, Duration.ofSeconds(4), Duration.ofSeconds(4),
                250, 0.025, new Latency(100, 40, 80, 120, 160, 200, 60), null, java.util.Map.of("batches", "7 appended"));
        List<String> lines = Report.table(List.of(raw, sluice)).render().lines().toList();
        assertThat(lines.get(0)).contains("metric", "reactor-raw", "sluice-embedded", "sluice-embedded / reactor-raw");
        assertThat(row(lines, "throughput (msgs/s)")).endsWith("1,000              250                         0.250x");
        assertThat(row(lines, "latency p50 (us)")).endsWith("4.000x");
        assertThat(row(lines, "acked")).contains("n/a").contains("100");
        assertThat(row(lines, "duplicated")).endsWith("1");
        assertThat(row(lines, "reordered")).endsWith("2");
        assertThat(Report.summary(sluice)).contains("batches: 7 appended").contains("received 101").contains("duplicated 1").contains("lost 0");
    }

    private static String row(List<String> lines, String metric) {
        return lines.stream().filter(l -> l.startsWith(metric)).findFirst().orElseThrow();
    }
}
