package io.sluice.benchmarks.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How parity reads the peers' own tools' output. */
class ParityTest {

    @Test
    void perfTestsFigureIsItsAverageReceivingRate() {
        assertThat(ParityCommand.perfTestRate(List.of("id: test-1, sending rate avg: 17827 msg/s",
                "id: test-1, receiving rate avg: 17798 msg/s"))).isEqualTo(17_798);
        assertThatThrownBy(() -> ParityCommand.perfTestRate(List.of("test stopped"))).hasMessageContaining("receiving rate avg");
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
        assertThat(ParityCommand.consumerPerformanceRate(lines)).isEqualTo(150_000.0);
        assertThatThrownBy(() -> ParityCommand.consumerPerformanceRate(lines.subList(0, 3)))
                .hasMessageContaining("fewer than two reports");
    }

    @Test
    void theNatsRecipesFigureIsItsSubscribersRate() {
        assertThat(ParityCommand.natsRecipeRate(List.of("nats-bench-recipe received 1000 msgs in 0.500 s: 2000.0 msgs/s")))
                .isEqualTo(2_000.0);
    }
}
