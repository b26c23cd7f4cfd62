package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.LoadProfile;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run under a load profile ({@code --profile}) sends at the profile's rate second by second, and its result says
 * how the rate and the latency went in each second. The in-process {@code reactor-raw} target keeps up with these
 * rates many times over, so what is measured is the pacing.
 */
class LoadProfileRunTest {
    private static final PerfRunner RUNNER = new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(10),
            Duration.ofMillis(1), null));

    private static RunResult run(LoadProfile profile) {
        RunResult r = RUNNER.run(Targets.create("reactor-raw"), Workload.builder().profile(profile).build());
        assertThat(r.error()).isNull();
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.sent()).isEqualTo(profile.records());
        assertThat(r.sustained()).as(r.cannotSustain()).isTrue();
        return r;
    }

    /**
     * Each step's achieved rate, the median of its seconds' rates, is its rate within 5%. The median, because this
     * machine stops now and then for a tenth of a second: a second that stalls is low and the next one, catching up,
     * high, while the records keep their intended send times (the latency shows the stall).
     */
    @Test
    void eachStepsAchievedRateIsItsRateWithinFivePercent() {
        LoadProfile profile = LoadProfile.parse("step:4k,12k,8k/3s");
        RunResult r = run(profile);
        List<Long> perSecond = r.throughputTimeline();
        assertThat(perSecond).hasSizeGreaterThanOrEqualTo(9);
        for (int step = 0; step < 3; step++) {
            double rate = profile.segments().get(step).fromRate();
            List<Long> seconds = perSecond.subList(step * 3, step * 3 + 3);
            assertThat(median(seconds)).as("step %d (%s/s), its seconds %s", step + 1, rate, seconds)
                    .isCloseTo(rate, withinPercentage(5));
        }
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** A ramp rises second by second, and each second of the result has the latency of the records received in it. */
    @Test
    void aRampRisesAndEachSecondHasTheLatencyOfItsRecords() {
        LoadProfile profile = LoadProfile.parse("ramp:5k-15k/4s");
        RunResult r = run(profile);
        List<Long> perSecond = r.throughputTimeline();
        assertThat(perSecond).hasSizeGreaterThanOrEqualTo(4);
        // its last two seconds ask for 1.67 times its first two: a stall moves records across, not this much
        long first = perSecond.subList(0, 2).stream().mapToLong(Long::longValue).sum();
        long last = perSecond.subList(2, 4).stream().mapToLong(Long::longValue).sum();
        assertThat((double) last / first).as("seconds %s", perSecond).isGreaterThan(1.3);
        assertThat(r.latencyTimeline()).hasSameSizeAs(perSecond);
        for (int second = 0; second < perSecond.size(); second++) {
            Latency l = r.latencyTimeline().get(second);
            assertThat(l.count()).as("records whose latency second %d holds", second).isPositive();
            assertThat(l.p50()).isPositive().isLessThanOrEqualTo(l.p99());
            assertThat(l.p99()).isLessThanOrEqualTo(l.max());
        }
        // the seconds' latencies are of all the records, each counted once
        assertThat(r.latencyTimeline().stream().mapToLong(Latency::count).sum()).isEqualTo(r.latency().count());
    }
}
