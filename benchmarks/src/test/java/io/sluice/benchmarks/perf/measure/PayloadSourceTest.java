package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class PayloadSourceTest {
    private final Scheduler producer = Schedulers.newSingle("test-producer", true);

    @AfterEach
    void stop() {
        producer.dispose();
    }

    private List<byte[]> collect(Workload w, Probe probe) {
        return new PayloadSource(w, probe, producer, Duration.ofMillis(1)).flux().collectList().block(Duration.ofSeconds(30));
    }

    @Test
    void unlimitedSendsCountRecordsInSequenceStampedWhenBuilt() {
        Probe probe = new Probe(1, false);
        long before = System.nanoTime();
        List<byte[]> values = collect(Workload.builder().count(1000).recordSize(64).build(), probe);
        assertThat(values).hasSize(1000);
        for (int i = 0; i < values.size(); i++) {
            assertThat(values.get(i)).hasSize(64);
            assertThat(Payload.seq(values.get(i))).isEqualTo(i);
            assertThat(Payload.intendedNanos(values.get(i))).isGreaterThanOrEqualTo(i == 0 ? before : Payload.intendedNanos(values.get(i - 1)));
        }
        assertThat(probe.sent()).isEqualTo(1000);
        assertThat(probe.sourceDone()).isTrue();
        assertThat(probe.startNanos()).isEqualTo(Payload.intendedNanos(values.get(0)));
    }

    @Test
    void fixedRateStampsTheScheduledSlotNotTheSendTime() {
        Probe probe = new Probe(1, false);
        List<Long> lateness = new java.util.ArrayList<>();
        List<byte[]> values = new PayloadSource(Workload.builder().count(200).rate(20_000).build(), probe, producer,
                Duration.ofMillis(1)).flux()
                .doOnNext(v -> lateness.add(System.nanoTime() - Payload.intendedNanos(v)))
                .collectList().block(Duration.ofSeconds(30));
        assertThat(values).hasSize(200);
        long first = Payload.intendedNanos(values.get(0));
        for (int i = 0; i < values.size(); i++) {
            assertThat(Payload.seq(values.get(i))).isEqualTo(i);
            assertThat(Payload.intendedNanos(values.get(i)) - first).isEqualTo((long) (i * 50_000.0)); // 1/20,000 s apart
        }
        assertThat(lateness).allSatisfy(l -> assertThat(l).as("never sent before its slot").isNotNegative());
        assertThat(probe.sent()).isEqualTo(200);
    }

    @Test
    void fixedRateForADurationSendsTheSlotsWithinIt() {
        Probe probe = new Probe(1, false);
        List<byte[]> values = collect(Workload.builder().duration(Duration.ofMillis(20)).rate(10_000).build(), probe);
        assertThat(values).hasSize(200);
        assertThat(probe.sent()).isEqualTo(200);
    }

    @Test
    void unlimitedForADurationStopsWhenItIsOver() {
        Probe probe = new Probe(1, false);
        List<byte[]> values = collect(Workload.builder().duration(Duration.ofMillis(50)).build(), probe);
        assertThat(values).isNotEmpty();
        long span = Payload.intendedNanos(values.get(values.size() - 1)) - Payload.intendedNanos(values.get(0));
        assertThat(span).isLessThan(Duration.ofMillis(50).toNanos());
        assertThat(probe.sent()).isEqualTo(values.size());
        assertThat(probe.sourceEndNanos() - probe.startNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    }
}
