package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A fixed-rate run is "cannot sustain" when it delivers under 97% of the rate or its backlog grows. */
class SustainTest {

    @Test
    void aTargetThatKeepsUpWithALevelBacklogSustains() {
        assertThat(Sustain.judge(100_000, 99_800, List.of(2_000L, 3_000L, 2_500L, 2_200L, 4_000L, 2_100L))).isNull();
    }

    @Test
    void anUnlimitedRateIsNeverJudged() {
        assertThat(Sustain.judge(0, 5, List.of(1L, 1_000_000L))).isNull();
    }

    @Test
    void deliveringUnder97PercentOfTheRateCannotSustain() {
        assertThat(Sustain.judge(100_000, 96_000, List.of(1_000L, 1_000L, 1_000L)))
                .startsWith("cannot sustain 100,000 msgs/s: delivered 96,000 msgs/s (96%");
        assertThat(Sustain.judge(100_000, 97_100, List.of(1_000L, 1_000L, 1_000L))).isNull();
    }

    @Test
    void aBacklogThatGrowsThroughTheRunCannotSustainEvenAtTheRate() {
        List<Long> growing = List.of(1_000L, 5_000L, 9_000L, 13_000L, 17_000L, 21_000L, 25_000L, 29_000L, 33_000L);
        assertThat(Sustain.judge(100_000, 99_000, growing)).contains("backlog grew from 5,000 to 29,000");
    }

    @Test
    void aBriefStallAtTheEndIsNotGrowth() {
        // a tenth of a second of the rate is the least growth that counts
        assertThat(Sustain.judge(100_000, 99_000, List.of(500L, 600L, 500L, 700L, 500L, 9_000L))).isNull();
    }
}
