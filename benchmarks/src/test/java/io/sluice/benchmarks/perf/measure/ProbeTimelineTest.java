package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbeTimelineTest {
    private static final long S = 1_000_000_000L;

    private final Probe probe = new Probe(1, false);
    private long seq;

    private void receive(int records, long atNanos) {
        for (int i = 0; i < records; i++) {
            probe.received(0, seq++, atNanos, atNanos);
        }
    }

    @Test
    void eachSampleIsTheRecordsReceivedSinceThePreviousOnePerSecond() {
        probe.timelineStart(0);
        receive(1000, S / 2);
        probe.sample(S);
        receive(3000, S + S / 2);
        probe.sample(2 * S + S / 2); // a late wake-up: 3000 records over 1.5 s
        receive(700, 2 * S + S / 2 + 700_000_000L);
        probe.sampleLast(); // 0.7 s after the last sample: its own entry

        assertThat(probe.throughputTimeline()).containsExactly(1000L, 2000L, 1000L);
    }

    @Test
    void theFirstIntervalBeginsAtTheFirstSendLikeTheThroughput() {
        probe.timelineStart(0);
        probe.started(S / 4);
        receive(750, S / 2);
        probe.sample(S); // 750 records in the 0.75 s since the first send
        receive(1000, S + S / 2);
        probe.sample(2 * S);

        assertThat(probe.throughputTimeline()).containsExactly(1000L, 1000L);
    }

    @Test
    void aShortRemainderIsMergedIntoThePreviousSecond() {
        probe.timelineStart(0);
        receive(1000, S / 2);
        probe.sample(S);
        receive(500, S + 250_000_000L);
        probe.sampleLast(); // 1,500 records over 1.25 s

        assertThat(probe.throughputTimeline()).containsExactly(1200L);
    }

    @Test
    void aPhaseShorterThanASecondIsOneEntryUpToTheLastReceipt() {
        probe.timelineStart(0);
        receive(500, 50_000_000L);

        probe.sampleLast();

        assertThat(probe.throughputTimeline()).containsExactly(10_000L);
    }

    @Test
    void nothingNewAtTheEndAddsNothing() {
        probe.timelineStart(0);
        receive(10, S / 2);
        probe.sample(S);
        probe.sample(2 * S);

        probe.sampleLast();

        assertThat(probe.throughputTimeline()).containsExactly(10L, 0L);
    }
}
