package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How parity reads the peers' own tools' output. */
class ParityTest {

    private static String perfTestSecond(double time, long received) {
        return "id: test-061426-428, time " + time + " s, sent: 15311 msg/s, confirmed: 12036 msg/s, nacked: 0 msg/s,"
                + " received: " + received + " msg/s, min/median/75th/95th/99th consumer latency: 501/42672/55682/74189/84444 µs";
    }

    @Test
    void perfTestsFigureIsTheMeanOfItsPerSecondReceivedRatesAfterTheWarmUp() {
        List<String> lines = List.of(perfTestSecond(1.001, 10_000), perfTestSecond(2.004, 20_000),
                perfTestSecond(3.001, 30_000), perfTestSecond(4.001, 50_000), "test stopped (Reached time limit)",
                "id: test-061426-428, receiving rate avg: 27500 msg/s");
        assertThat(ParityCommand.perfTestRate(lines, 2)).isEqualTo(40_000);
        assertThat(ParityCommand.perfTestRate(lines, 0)).isEqualTo(27_500);
        assertThatThrownBy(() -> ParityCommand.perfTestRate(lines, 5)).hasMessageContaining("no per-second report after 5 s");
    }

    @Test
    void consumerPerformancesFigureRunsFromItsFirstReportWithRecordsToItsLast() {
        List<String> lines = List.of(
                "time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
                "2026-12-02 06:20:37:141, 0, 0.0000, 0.0000, 0, 0.0000, 756, 3572, 0.0000, 0.0000",
                "2026-12-02 06:20:38:141, 0, 0.0001, 0.0000, 1000, 0.2311, 756, 3572, 0.0000, 0.2800",
                "06:20:38.500 [main] WARN something, else",
                "2026-12-02 06:20:39:141, 0, 4.2928, 4.2756, 101000, 44832.6693, 0, 1004, 4.2756, 44832.6693",
                "2026-12-02 06:20:40:141, 0, 8.8006, 4.4632, 301000, 46800.0000, 0, 1010, 4.4632, 46800.0000");
        assertThat(ParityCommand.consumerPerformanceRate(lines, 0)).isEqualTo(150_000.0);
        // after a 1 s warm-up: from the report at 06:20:39 to the last
        assertThat(ParityCommand.consumerPerformanceRate(lines, 1)).isEqualTo(200_000.0);
        // a tool that finished within a 6 s warm-up (it ran faster than the driver its records were sized by)
        assertThat(ParityCommand.consumerPerformanceRate(lines, 6)).isEqualTo(150_000.0);
        assertThatThrownBy(() -> ParityCommand.consumerPerformanceRate(lines.subList(0, 3), 0))
                .hasMessageContaining("fewer than two reports");
    }

    @Test
    void theNatsRecipesFigureIsItsSubscribersRate() {
        assertThat(ParityCommand.natsRecipeRate(List.of("nats-bench-recipe received 1000 msgs in 0.500 s after the warm-up: 2000.0 msgs/s")))
                .isEqualTo(2_000.0);
    }
}
