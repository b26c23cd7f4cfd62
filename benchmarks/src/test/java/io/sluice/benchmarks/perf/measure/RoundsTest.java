package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.benchmarks.perf.report.Report;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Repeated runs alternate their order, and the table shows medians, min-max and median per-round ratios. */
class RoundsTest {
    private static final Workload W = Workload.builder().count(1_000).build();

    private static RunResult result(String target, double msgsPerSec, double p99, String cannotSustain) {
        return new RunResult(target, W, 1_000, -1, 1_000, 0, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(1), msgsPerSec,
                msgsPerSec / 10_000, new Latency(1_000, p99 / 2, p99 / 1.5, p99, p99, p99, p99 / 2), null, Map.of(), List.of(),
                cannotSustain);
    }

    @Test
    void roundsAlternateTheOrderAndReportInTheGivenOrder() {
        List<String> ran = new ArrayList<>();
        List<List<RunResult>> rounds = Rounds.run(List.of("a", "b", "c"), 3, name -> {
            ran.add(name);
            return result(name, ran.size(), 1, null);
        }, null);
        assertThat(ran).containsExactly("a", "b", "c", "c", "b", "a", "a", "b", "c");
        assertThat(rounds).hasSize(3);
        for (List<RunResult> round : rounds) {
            assertThat(round).extracting(RunResult::target).containsExactly("a", "b", "c");
        }
        assertThat(rounds.get(1).get(0).msgsPerSec()).isEqualTo(6); // a ran last in round 2
        assertThatThrownBy(() -> Rounds.run(List.of("a"), 0, name -> null, null))
                .hasMessageContaining("--repeat must be >= 1");
    }

    @Test
    void theTableShowsMediansWithMinMaxAndMedianRatiosOfRounds() {
        List<List<RunResult>> rounds = List.of(
                List.of(result("a", 100, 10, null), result("b", 300, 20, null)),
                List.of(result("a", 200, 30, null), result("b", 200, 40, null)),
                List.of(result("a", 400, 50, null), result("b", 1_000, 60, null)));
        String table = Report.repeated(rounds).render();
        assertThat(table).contains("median [min-max] of 3 rounds");
        assertThat(table).contains("200 [100-400]").contains("300 [200-1,000]");
        // per-round ratios b/a: 3.0, 1.0, 2.5 -> median 2.5 (the ratio of the medians would be 1.5)
        assertThat(table).containsPattern("throughput \\(msgs/s\\).*2\\.500x");
        assertThat(table).contains("40.0 [20.0-60.0]");
    }

    @Test
    void latencyOfRoundsThatCouldNotSustainTheRateIsLeftOut() {
        List<List<RunResult>> rounds = List.of(
                List.of(result("a", 100, 10, null), result("b", 50, 9_000_000, "cannot sustain 100 msgs/s")),
                List.of(result("a", 100, 12, null), result("b", 60, 9_500_000, "cannot sustain 100 msgs/s")));
        String table = Report.repeated(rounds).render();
        assertThat(table).containsPattern("latency p99 \\(us\\).*cannot sustain");
        assertThat(table).doesNotContain("9,000,000");
        assertThat(table).containsPattern("rate kept \\(rounds\\)\\s+2 of 2\\s+0 of 2");
        String single = Report.table(rounds.get(0)).render();
        assertThat(single).containsPattern("latency p99 \\(us\\)\\s+10.0\\s+cannot sustain");
        assertThat(Report.summary(rounds.get(0).get(1))).contains("cannot sustain 100 msgs/s").contains("schedule lag, not latency");
    }
}
