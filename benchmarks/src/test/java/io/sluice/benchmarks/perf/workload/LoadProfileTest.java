package io.sluice.benchmarks.perf.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadProfileTest {

    @Test
    void stepsRunEachRateInTurn() {
        LoadProfile p = LoadProfile.parse("step:10k,50k,100k/10s");
        assertThat(p.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.records()).isEqualTo(1_600_000);
        assertThat(p.meanRate()).isEqualTo(53_333);
        // the 100,000th record is the last of the first step; the next ones go 50,000 a second
        assertThat(p.dueNanos(99_999)).isEqualTo(10_000_000_000L);
        assertThat(p.dueNanos(100_000 + 49_999)).isEqualTo(11_000_000_000L);
        assertThat(p.recordsBetween(25, 26)).isCloseTo(100_000, within(1e-6));
    }

    @Test
    void aRampGrowsLinearlyAndItsRecordsAreDueOnTheCurve() {
        LoadProfile p = LoadProfile.parse("ramp:0-200k/60s");
        assertThat(p.records()).isEqualTo(6_000_000); // the area under the ramp
        // after t seconds, 200,000 t^2 / 120 records are due: 1,500,000 at 30 s
        assertThat(p.dueNanos(1_499_999) / 1e9).isCloseTo(30.0, within(1e-3));
        assertThat(p.recordsBetween(59, 60)).isCloseTo((200_000 + 196_666.67) / 2, within(1.0));
        long previous = -1;
        for (long seq = 0; seq < 6_000_000; seq += 99_991) { // due times only move forward
            assertThat(p.dueNanos(seq)).isGreaterThan(previous);
            previous = p.dueNanos(seq);
        }
    }

    @Test
    void aSpikeRisesAtItsTimeForItsLengthThenFallsBackForAsLongAsBefore() {
        LoadProfile p = LoadProfile.parse("spike:50k,250k@30s/5s");
        assertThat(p.duration()).isEqualTo(Duration.ofSeconds(65));
        assertThat(p.recordsBetween(29, 30)).isCloseTo(50_000, within(1e-6));
        assertThat(p.recordsBetween(31, 32)).isCloseTo(250_000, within(1e-6));
        assertThat(p.recordsBetween(40, 41)).isCloseTo(50_000, within(1e-6));
        assertThat(p.records()).isEqualTo(50_000L * 60 + 250_000L * 5);
    }

    @Test
    void badProfilesAreNamedWithWhatIsWrong() {
        assertThatThrownBy(() -> LoadProfile.parse("10k")).hasMessageContaining("--profile '10k' has no kind")
                .hasMessageContaining("ramp:0-200k/60s");
        assertThatThrownBy(() -> LoadProfile.parse("wave:1k/1s")).hasMessageContaining("unknown kind 'wave'");
        assertThatThrownBy(() -> LoadProfile.parse("step:10k,fast/10s")).hasMessageContaining("'fast' is not a rate");
        assertThatThrownBy(() -> LoadProfile.parse("step:10k/soon")).hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> LoadProfile.parse("step:10k/0s")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> LoadProfile.parse("ramp:200k/60s")).hasMessageContaining("a ramp is FROM-TO/OVER");
        assertThatThrownBy(() -> LoadProfile.parse("spike:50k@30s/5s")).hasMessageContaining("a spike is BASE,PEAK@AT/FOR");
        assertThatThrownBy(() -> LoadProfile.parse("step:0,0/5s")).hasMessageContaining("sends no record");
    }

    @Test
    void aWorkloadWithAProfileTakesItsLengthAndMeanRateAndItsWarmUpRunsAtThatRate() {
        Workload w = Workload.builder().profile(LoadProfile.parse("ramp:0-2k/4s")).build();
        assertThat(w.duration()).isEqualTo(Duration.ofSeconds(4));
        assertThat(w.rate()).isEqualTo(1_000);
        assertThat(w.describe()).contains("profile ramp:0-2k/4s (4s, 4,000 records, 1,000 msgs/s on average)");
        Workload warmUp = w.forDuration(Duration.ofSeconds(2));
        assertThat(warmUp.profile()).isNull();
        assertThat(warmUp.rate()).isEqualTo(1_000);
        assertThatThrownBy(() -> Workload.builder().count(10).profile(LoadProfile.parse("step:1k/1s")).build())
                .hasMessageContaining("--profile and --count are mutually exclusive");
    }
}
