package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyTest {

    @Test
    void percentilesOfKnownValues() {
        Histogram h = Latency.newHistogram();
        // 1..1000 microseconds, once each
        for (int us = 1; us <= 1000; us++) {
            Latency.record(h, us * 1000L);
        }
        Latency l = Latency.of(h);
        assertThat(l.count()).isEqualTo(1000);
        // HdrHistogram keeps 3 significant digits: allow 0.1 %
        assertThat(l.p50()).isCloseTo(500, within(0.5));
        assertThat(l.p90()).isCloseTo(900, within(0.9));
        assertThat(l.p99()).isCloseTo(990, within(1.0));
        assertThat(l.p999()).isCloseTo(999, within(1.0));
        assertThat(l.max()).isCloseTo(1000, within(1.0));
        assertThat(l.mean()).isCloseTo(500.5, within(0.6));
    }

    @Test
    void outliersAndClockSkewAreClamped() {
        Histogram h = Latency.newHistogram();
        Latency.record(h, -5);
        Latency.record(h, Long.MAX_VALUE);
        assertThat(h.getTotalCount()).isEqualTo(2);
        assertThat(h.getMinValue()).isZero();
        assertThat(Latency.of(h).max()).isCloseTo(Latency.HIGHEST_TRACKABLE_NANOS / 1e3, within(Latency.HIGHEST_TRACKABLE_NANOS / 1e6));
    }

    @Test
    void theProbeRecordsReceiptMinusIntendedTime() {
        Probe probe = new Probe(1, false);
        probe.started(0);
        probe.received(0, 0, 1_000_000, 1_250_000); // 250 us
        probe.received(0, 1, 2_000_000, 2_050_000); // 50 us
        probe.received(0, 2, 3_000_000, 3_100_000); // 100 us
        Latency l = Latency.of(probe.latencyHistogram());
        assertThat(l.count()).isEqualTo(3);
        assertThat(l.p50()).isCloseTo(100, within(0.1));
        assertThat(l.max()).isCloseTo(250, within(0.3));
        assertThat(probe.distinctReceived()).isEqualTo(3);
        assertThat(probe.isComplete()).isFalse();
        probe.sourceCompleted(3, 3_000_000);
        assertThat(probe.isComplete()).isTrue();
        assertThat(probe.done()).isDone();
    }

    @Test
    void aProbeWithAcksWaitsForThem() {
        Probe probe = new Probe(1, true);
        probe.sent(1);
        probe.sourceCompleted(1, 10);
        probe.received(0, 0, 0, 20);
        assertThat(probe.isComplete()).isFalse();
        probe.acked();
        probe.acksCompleted();
        assertThat(probe.isComplete()).isTrue();
        assertThat(probe.ackedCount()).isEqualTo(1);
    }
}
