package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A fixed-rate run whose consumer stalls once for 50 ms: latency is measured from each record's intended send
 * time, so the records that queued behind the stall carry it and it shows in p99.9 and max. Measured from the
 * actual send time instead (coordinated omission), the stall would hit a handful of records and vanish from p99.9.
 */
class CoordinatedOmissionTest {
    private static final int RATE = 100_000;
    private static final int RECORDS = 200_000;
    private static final long STALL_AT = 50_000;
    private static final Duration STALL = Duration.ofMillis(50);

    @Test
    void aFiftyMillisecondConsumerStallShowsInP999AndMax() {
        PerfRunner runner = new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMillis(1), null));
        RunResult r = runner.run(new StallingTarget(), Workload.builder().count(RECORDS).rate(RATE).build());

        assertThat(r.error()).isNull();
        assertThat(r.lost()).isZero();
        // 50 ms at 100,000 records/s: about 5,000 records (2.5%) waited behind the stall, the first of them ~50 ms
        assertThat(r.latency().max()).as("max (µs)").isGreaterThanOrEqualTo(STALL.toNanos() / 1_000.0);
        assertThat(r.latency().p999()).as("p99.9 (µs)").isGreaterThanOrEqualTo(40_000);
        assertThat(r.latency().p99()).as("p99 (µs)").isGreaterThanOrEqualTo(10_000);
    }

    /** Hands records to a consumer thread, which stalls once, without blocking a thread, at {@link #STALL_AT}. */
    private static final class StallingTarget implements Target {
        private Scheduler consumer;

        @Override
        public String name() {
            return "stalling";
        }

        @Override
        public String description() {
            return "publishOn with one 50 ms consumer stall";
        }

        @Override
        public boolean hasAcks() {
            return false;
        }

        @Override
        public void open(Workload workload) {
            consumer = Schedulers.newSingle("stalling-consumer");
        }

        @Override
        public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
            BaseSubscriber<byte[]> reader = new BaseSubscriber<>() {
                @Override
                protected void hookOnNext(byte[] v) {
                    probe.received(0, Payload.seq(v), Payload.intendedNanos(v), System.nanoTime());
                }

                @Override
                protected void hookOnError(Throwable e) {
                    probe.failed(e);
                }
            };
            payloads.publishOn(consumer, workload.prefetch())
                    .concatMap(v -> Payload.seq(v) == STALL_AT ? Mono.delay(STALL, consumer).thenReturn(v) : Mono.just(v), 0)
                    .subscribe(reader);
            return reader;
        }

        @Override
        public void close() {
            consumer.dispose();
        }
    }
}
