package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The warm-up lasts at least {@code --warmup}, then until the received rate stops climbing, at most 4x: a broker
 * that is still getting faster is not measured, and a target that is steady is not kept waiting.
 */
class WarmupSettleTest {

    /** Cumulative counts of a rate that is {@code perSecond[i]} in second i. */
    private static List<Long> cumulative(long... perSecond) {
        List<Long> out = new ArrayList<>();
        long sum = 0;
        out.add(0L);
        for (long r : perSecond) {
            sum += r;
            out.add(sum);
        }
        return out;
    }

    @Test
    void aRateStillClimbingHasNotSettled() {
        assertThat(PerfRunner.settled(cumulative(100, 100, 120, 130, 140, 150), 3)).isFalse();
        assertThat(PerfRunner.settled(cumulative(100, 300, 100, 400, 500, 600, 300), 3)).as("noisy but climbing").isFalse();
    }

    @Test
    void aFlatOrFallingRateHasSettled() {
        assertThat(PerfRunner.settled(cumulative(100, 300, 100, 300, 100, 100), 3)).isTrue();
        assertThat(PerfRunner.settled(cumulative(500, 500, 500, 400, 400, 400), 3)).isTrue();
    }

    @Test
    void tooFewSecondsToCompareTwoWindowsHaveNotSettled() {
        assertThat(PerfRunner.settled(cumulative(100, 100, 100, 100, 100), 3)).isFalse();
    }

    @Test
    void theWindowIsAThirdOfTheWarmupFromOneToTenSeconds() {
        assertThat(PerfRunner.settleWindow(Duration.ofMillis(200))).isEqualTo(1);
        assertThat(PerfRunner.settleWindow(Duration.ofSeconds(15))).isEqualTo(5);
        assertThat(PerfRunner.settleWindow(Duration.ofSeconds(30))).isEqualTo(10);
        assertThat(PerfRunner.settleWindow(Duration.ofMinutes(5))).isEqualTo(10);
    }

    @Test
    void aSteadyTargetWarmsUpForTheLeastTimeAndTheResultSaysHowLong() {
        // a fixed rate is steady from its first second: the warm-up ends at its least, 3 s, not at its cap of 12 s
        PerfRunner runner = new PerfRunner(new PerfRunner.Settings(Duration.ofSeconds(3), Duration.ofSeconds(10),
                Duration.ofMillis(1), null));
        RunResult r = runner.run(Targets.create("reactor-raw"), Workload.builder().rate(2_000).duration(Duration.ofSeconds(1)).build());
        assertThat(r.error()).isNull();
        assertThat(runner.lastWarmup()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(8));
        assertThat(r.details().get("warm-up")).startsWith(String.format(java.util.Locale.ROOT, "%.1f s (at least 3s",
                runner.lastWarmup().toNanos() / 1e9));
    }
}
