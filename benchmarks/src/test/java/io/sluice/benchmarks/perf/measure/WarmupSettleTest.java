package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

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

    @Test
    void aRateThatKeepsClimbingIsCutOffAtFourTimesTheWarmup() {
        // a rate that never settles: the warm-up ends at its cap of 4 x 500 ms = 2 s, not later; it cannot end sooner,
        // as a rising rate never settles and the warm-up's source sends for the whole cap
        PerfRunner runner = new PerfRunner(new PerfRunner.Settings(Duration.ofMillis(500), Duration.ofSeconds(10),
                Duration.ofMillis(1), null));
        RunResult r = runner.run(new ClimbingTarget(), Workload.builder().count(1_000).build());
        assertThat(r.error()).isNull();
        assertThat(runner.lastWarmup()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(8));
        assertThat(r.details().get("warm-up")).contains("at least 500ms").contains("at most 2s");
    }

    /** Takes one more record every 10 ms tick than the tick before: its received rate climbs for as long as it runs. */
    private static final class ClimbingTarget implements Target {
        private Scheduler ticks;

        @Override
        public String name() {
            return "climbing";
        }

        @Override
        public String description() {
            return "demand that grows by one record every 10 ms";
        }

        @Override
        public boolean hasAcks() {
            return false;
        }

        @Override
        public void open(Workload workload) {
            ticks = Schedulers.newSingle("climbing-ticks");
        }

        @Override
        public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
            BaseSubscriber<byte[]> reader = new BaseSubscriber<>() {
                private Disposable clock;

                @Override
                protected void hookOnSubscribe(Subscription s) {
                    clock = Flux.interval(Duration.ofMillis(10), ticks).subscribe(t -> request(t + 1));
                }

                @Override
                protected void hookOnNext(byte[] v) {
                    probe.received(0, Payload.seq(v), Payload.intendedNanos(v), System.nanoTime());
                }

                @Override
                protected void hookOnError(Throwable e) {
                    probe.failed(e);
                }

                @Override
                protected void hookFinally(SignalType type) {
                    clock.dispose();
                }
            };
            payloads.subscribe(reader);
            return reader;
        }

        @Override
        public void close() {
            ticks.dispose();
        }
    }
}
