package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.PartitionerKind;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Short real runs of each target, and of fake targets that lose, duplicate or fail, through the runner. */
class RunnerSmokeTest {
    private static final int RECORDS = 50_000;

    private static PerfRunner runner(Duration warmup) {
        return new PerfRunner(new PerfRunner.Settings(warmup, Duration.ofSeconds(10), Duration.ofMillis(1), null));
    }

    private static void assertClean(RunResult r, Target target) {
        assertThat(r.error()).isNull();
        assertThat(r.sent()).isEqualTo(RECORDS);
        assertThat(r.received()).isEqualTo(r.sent());
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.acked()).isEqualTo(target.hasAcks() ? RECORDS : -1);
        assertThat(r.latency().count()).isEqualTo(RECORDS);
        assertThat(r.msgsPerSec()).isPositive();
        assertThat(r.mbPerSec()).isEqualTo(r.msgsPerSec() * r.workload().recordSize() / 1e6);
    }

    @Test
    void reactorRaw() {
        Target t = Targets.create("reactor-raw");
        RunResult r = runner(Duration.ofMillis(200)).run(t, Workload.builder().count(RECORDS).build());
        assertClean(r, t);
        assertThat(r.reordered()).isZero();
    }

    @Test
    void sluiceEmbedded() {
        Target t = Targets.create("sluice-embedded");
        StringWriter progress = new StringWriter();
        RunResult r = new PerfRunner(PerfRunner.Settings.defaults().withWarmup(Duration.ofMillis(200))
                .withProgress(new PrintWriter(progress)))
                .run(t, Workload.builder().count(RECORDS).partitions(4).build());
        assertClean(r, t);
        assertThat(r.reordered()).isZero();
        assertThat(r.details()).containsKeys("gc", "batches", "hiccups");
        assertThat(r.details().get("batches")).contains("records per batch");
        assertThat(progress.toString()).contains("[sluice-embedded] warming up").contains("[sluice-embedded] measuring");
    }

    @Test
    void sluiceEmbeddedWithSeveralProducersConsumersAndHandlersKeepsOrderPerKey() {
        Target t = Targets.create("sluice-embedded");
        RunResult r = runner(Duration.ZERO).run(t, Workload.builder().count(RECORDS).partitions(6).producers(2).consumers(3)
                .concurrency(4).keys(1_000).build());
        assertClean(r, t);
        assertThat(r.reordered()).isZero();
    }

    @Test
    void everyConsumerGroupReceivesEveryRecord() {
        Target t = Targets.create("sluice-embedded");
        RunResult r = runner(Duration.ZERO).run(t, Workload.builder().count(RECORDS).partitions(2).groups(3).consumers(2).build());
        assertThat(r.error()).isNull();
        assertThat(r.sent()).isEqualTo(RECORDS);
        assertThat(r.received()).isEqualTo(3L * RECORDS);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.reordered()).isZero();
        assertThat(r.latency().count()).isEqualTo(3L * RECORDS);
    }

    @Test
    void sluiceEmbeddedWithKeylessRecordsOfTwoProducersKeepsOrderPerPartitionAndProducer() {
        Target t = Targets.create("sluice-embedded");
        RunResult r = runner(Duration.ZERO).run(t, Workload.builder().count(RECORDS).partitions(3).producers(2).consumers(2)
                .partitioner(PartitionerKind.ROUND_ROBIN).build());
        assertClean(r, t);
        assertThat(r.reordered()).isZero();
    }

    @Test
    void sluiceEmbeddedAtAFixedRateWithRoundRobinAndNoAcks() {
        Target t = Targets.create("sluice-embedded");
        RunResult r = runner(Duration.ZERO).run(t, Workload.builder().count(RECORDS).rate(200_000)
                .partitioner(PartitionerKind.ROUND_ROBIN).acks(Acks.NONE).partitions(3).build());
        assertClean(r, t);
        // 50,000 records at 200,000/s take at least 0.25 s
        assertThat(r.sendTime()).isGreaterThanOrEqualTo(Duration.ofMillis(245));
    }

    @Test
    void reactorRawAtAFixedRate() {
        Target t = Targets.create("reactor-raw");
        RunResult r = runner(Duration.ZERO).run(t, Workload.builder().count(RECORDS).rate(200_000).build());
        assertClean(r, t);
        assertThat(r.msgsPerSec()).isLessThan(210_000);
    }

    @Test
    void lostAndDuplicatedRecordsAreCounted() {
        // The lost records make every run end by the drain timeout; it is long enough that a stalled CI machine
        // cannot cut the run short before the records in flight arrive (300 ms once counted one of them as lost).
        RunResult r = new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(2), Duration.ofMillis(1), null))
                .run(new FaultyTarget(false), Workload.builder().count(10_000).build());
        assertThat(r.sent()).isEqualTo(10_000);
        assertThat(r.lost()).isEqualTo(10);       // every seq ending in 007
        assertThat(r.duplicated()).isEqualTo(10); // every seq ending in 008
        assertThat(r.received()).isEqualTo(10_000);
        assertThat(r.error()).contains("cut short");
        assertThat(r.failed()).isTrue();
    }

    @Test
    void aFailingTargetEndsTheRunWithItsError() {
        RunResult r = runner(Duration.ZERO).run(new FaultyTarget(true), Workload.builder().count(10_000).build());
        assertThat(r.failed()).isTrue();
        assertThat(r.error()).contains("consumer broke at 5000");
    }

    @Test
    void aTargetRejectingTheWorkloadFailsBeforeRunning() {
        RunResult r = runner(Duration.ZERO).run(Targets.create("nats"), Workload.builder().count(10).consumers(2).build());
        assertThat(r.error()).contains("--consumers");
        assertThat(r.sent()).isZero();
    }

    /** Drops seq % 1000 == 7, delivers seq % 1000 == 8 twice; or fails at record 5000. */
    private static final class FaultyTarget implements Target {
        private final boolean fail;
        private Scheduler consumer;

        FaultyTarget(boolean fail) {
            this.fail = fail;
        }

        @Override
        public String name() {
            return "faulty";
        }

        @Override
        public String description() {
            return "loses and duplicates";
        }

        @Override
        public boolean hasAcks() {
            return false;
        }

        @Override
        public void open(Workload workload) {
            consumer = Schedulers.newSingle("faulty-consumer", true);
        }

        @Override
        public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
            BaseSubscriber<byte[]> s = new BaseSubscriber<>() {
                @Override
                protected void hookOnNext(byte[] v) {
                    if (fail && Payload.seq(v) == 5000) {
                        throw new IllegalStateException("consumer broke at 5000");
                    }
                    probe.received(0, Payload.seq(v), Payload.intendedNanos(v), System.nanoTime());
                }

                @Override
                protected void hookOnError(Throwable e) {
                    probe.failed(e);
                }
            };
            payloads.filter(v -> Payload.seq(v) % 1000 != 7)
                    .concatMap(v -> Payload.seq(v) % 1000 == 8 ? Flux.just(v, v) : Flux.just(v))
                    .publishOn(consumer, workload.prefetch())
                    .subscribe(s);
            return s;
        }

        @Override
        public void close() {
            consumer.dispose();
        }
    }
}
