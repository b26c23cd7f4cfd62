package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/** The search over rates, against simulated targets whose p99 is known at every rate. */
class MaxRateSearchTest {
    private static final Duration P99 = Duration.ofMillis(10);

    /** A target that delivers {@code ceiling} at an unlimited rate, and keeps p99 under 10 ms at the rates {@code meets} accepts. */
    private static MaxRateSearch search(double ceiling, LongPredicate meets, int maxSteps) {
        MaxRateSearch search = new MaxRateSearch(Workload.builder().build(), Duration.ofSeconds(10), P99, 0.05, maxSteps);
        Workload w = search.next(null);
        assertThat(w.rate()).as("the first step is at an unlimited rate").isZero();
        assertThat(w.duration()).isEqualTo(Duration.ofSeconds(10));
        while (w != null) {
            long rate = w.rate();
            assertThat((double) rate).as("never above the ceiling").isLessThanOrEqualTo(ceiling);
            boolean ok = rate == 0 || meets.test(rate);
            double delivered = rate == 0 ? ceiling : rate;
            w = search.next(result(w, delivered, ok ? 4_000 : 40_000));
        }
        return search;
    }

    private static RunResult result(Workload w, double delivered, double p99Us) {
        return new RunResult("simulated", w, 1, 1, 1, 0, 0, 0, Duration.ofSeconds(10), Duration.ofSeconds(10), delivered,
                delivered / 1e4, new Latency(1, p99Us / 4, p99Us / 2, p99Us, p99Us * 2, p99Us * 3, p99Us / 3), null, Map.of(), List.of(), null);
    }

    @Test
    void findsTheHighestRateThatMeetsTheTargetWithinThePrecisionAndPrintsEveryStep() {
        MaxRateSearch s = search(500_000, rate -> rate <= 123_456, 20);
        assertThat(s.maxRate()).isBetween((long) (123_456 / 1.05), 123_456L);
        assertThat(s.best().result().latency().p99()).isEqualTo(4_000);
        assertThat(s.ceiling()).isEqualTo(500_000);
        assertThat(s.ended()).isEqualTo("the bounds are within 5%");
        assertThat(s.steps().get(0).describe()).isEqualTo("unlimited rate (the ceiling): delivered 500,000 msgs/s, p99 4.00 ms");
        assertThat(s.steps().get(1).describe()).isEqualTo("250,000 msgs/s: delivered 250,000 msgs/s, p99 40.00 ms: misses"
                + " (p99 40.00 ms over 10.00 ms)");
        // every miss is run twice before the bound moves: the second 250,000 is the confirmation
        assertThat(s.steps().get(2).rate()).isEqualTo(250_000);
    }

    @Test
    void aTargetThatMeetsTheTargetUpToItsCeilingIsReportedAtTheCeiling() {
        MaxRateSearch s = search(300_000, rate -> true, 20);
        assertThat(s.maxRate()).isGreaterThanOrEqualTo((long) (300_000 / 1.05)).isLessThanOrEqualTo(300_000);
    }

    @Test
    void oneBadWindowDoesNotCollapseTheSearch() {
        int[] calls = {0};
        // the first step at 250,000 misses once (a stall of the machine), then meets the target as every rate does
        MaxRateSearch s = search(500_000, rate -> ++calls[0] != 1, 20);
        assertThat(s.maxRate()).isGreaterThanOrEqualTo((long) (500_000 / 1.05));
        assertThat(s.steps().get(1).meets()).isFalse();
        assertThat(s.steps().get(2).rate()).isEqualTo(250_000);
        assertThat(s.steps().get(2).meets()).isTrue();
    }

    @Test
    void aTargetThatMissesAtEveryRateEndsWithNoneAboveAThousandthOfItsCeiling() {
        MaxRateSearch s = search(1_000_000, rate -> false, 40);
        assertThat(s.maxRate()).isZero();
        assertThat(s.best()).isNull();
        assertThat(s.ended()).isEqualTo("nothing met the p99 target down to a thousandth of the ceiling");
        // while nothing met the target, a confirmed miss divides the rate by four: 500,000 twice, then 125,000
        assertThat(s.steps()).extracting(MaxRateSearch.Step::rate).startsWith(0L, 500_000L, 500_000L, 125_000L, 125_000L);
        assertThat(s.steps()).allSatisfy(step -> assertThat(step.rate() == 0 || step.rate() >= 1_000).isTrue());
    }

    @Test
    void itStopsAtItsStepLimit() {
        MaxRateSearch s = search(1_000_000, rate -> rate <= 777_777, 5);
        assertThat(s.steps()).hasSize(5);
        assertThat(s.ended()).isEqualTo("at 5 steps");
    }

    @Test
    void aStepThatLostRecordsOrCouldNotSustainItsRateMisses() {
        MaxRateSearch s = new MaxRateSearch(Workload.builder().build(), Duration.ofSeconds(1), P99, 0.05, 10);
        Workload w = s.next(null);
        w = s.next(result(w, 100_000, 1_000));
        RunResult lost = new RunResult("simulated", w, 10, 10, 9, 1, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(1), 50_000, 5,
                new Latency(9, 1, 1, 1, 1, 1, 1), null, Map.of(), List.of(), null);
        s.next(lost);
        assertThat(s.steps().get(1).why()).isEqualTo("lost 1, duplicated 0");
    }

    @Test
    void badSettingsAreNamed() {
        Workload w = Workload.builder().build();
        assertThatThrownBy(() -> new MaxRateSearch(w, Duration.ofSeconds(1), Duration.ZERO, 0.05, 10)).hasMessageContaining("--p99");
        assertThatThrownBy(() -> new MaxRateSearch(w, Duration.ofSeconds(1), P99, 0, 10)).hasMessageContaining("--precision");
        assertThatThrownBy(() -> new MaxRateSearch(w, Duration.ofSeconds(1), P99, 0.05, 2)).hasMessageContaining("--max-steps");
    }
}
