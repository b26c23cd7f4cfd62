package io.sluice.benchmarks.perf.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.benchmarks.perf.measure.Latency;
import io.sluice.benchmarks.perf.measure.MaxRateSearch;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Stats;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The search and the confirmation against fake, deterministic measurements: no real runs. */
public class TunerTest {
    private static final Workload DEFAULT = Workload.builder().count(1000).build(); // partitions 4, batch 64 KiB, linger 0, prefetch 512
    private static final Consumer<Workload> ACCEPT_ALL = w -> { };
    private static final Consumer<Workload> ONE_READER = w -> {
        if (w.concurrency() != 1) {
            throw new IllegalArgumentException("--concurrency: one reader only, was " + w.concurrency());
        }
    };
    /** Powers of two within the knobs' bounds, times the three lingers: what a full grid would measure. */
    private static final int GRID = 9 * 15 * 3 * 13 * 9;

    public static RunResult result(Workload w, double msgsPerSec, double p99Micros) {
        return new RunResult("fake", w, 1000, -1, 1000, 0, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(1), msgsPerSec,
                msgsPerSec * w.recordSize() / 1e6, new Latency(1000, p99Micros / 2, p99Micros * 0.9, p99Micros, p99Micros, p99Micros,
                p99Micros / 2), null, Map.of());
    }

    /** 1 at {@code at}, falling by a factor 1 + 0.3 per doubling or halving away from it. */
    static double peak(double x, double at) {
        return 1 / (1 + 0.3 * Math.abs(Math.log(x / at) / Math.log(2)));
    }

    static double lingerMillis(Workload w) {
        return w.linger().toNanos() / 1e6;
    }

    /** A fake measurement that records every configuration it was asked for. */
    static final class Fake implements Function<Workload, RunResult> {
        final List<Workload> calls = new ArrayList<>();
        private final Function<Workload, RunResult> f;

        Fake(Function<Workload, RunResult> f) {
            this.f = f;
        }

        @Override
        public RunResult apply(Workload w) {
            calls.add(w);
            return f.apply(w);
        }
    }

    /** Throughput peaks at partitions 8, batch 256 KiB, linger 1 ms, prefetch 2048; p99 grows with linger. */
    private static Fake landscape() {
        return new Fake(w -> result(w, 1_000_000 * peak(w.partitions(), 8) * peak(w.batchSize(), 256 * 1024)
                * (lingerMillis(w) == 1 ? 1.0 : lingerMillis(w) == 5 ? 0.9 : 0.8) * peak(w.prefetch(), 2048),
                1000 + 2000 * lingerMillis(w)));
    }

    private static final Workload PEAK = DEFAULT.toBuilder().partitions(8).batchSize(256 * 1024).linger(Duration.ofMillis(1))
            .prefetch(2048).build();

    private static final class Recorder implements Tuner.Listener {
        final List<Integer> measured = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();

        @Override
        public void measured(Tune.Trial trial) {
            measured.add(trial.index());
        }

        @Override
        public void skipped(Workload workload, String note) {
            skipped.add(note);
        }
    }

    private static List<Workload> searchCalls(Fake fake, Tune tune) {
        return fake.calls.subList(0, (int) tune.searchTrials());
    }

    @Test
    void findsThePeakMeasuringAFewDozenConfigurationsNotTheGrid() {
        Fake fake = landscape();
        Recorder recorder = new Recorder();
        Tune tune = new Tuner(null, 100, 3).tune("fake", DEFAULT, ONE_READER, fake, recorder);

        assertThat(tune.recommended()).isEqualTo(PEAK);
        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.CONFIRMED);
        assertThat(tune.exhausted()).as("stopped after a pass without a move").isFalse();
        assertThat(tune.searchTrials()).isLessThanOrEqualTo(25).isLessThan(GRID / 100);
        assertThat(new HashSet<>(searchCalls(fake, tune))).as("no configuration measured twice in the search")
                .hasSameSizeAs(searchCalls(fake, tune));
        assertThat(fake.calls).hasSize(tune.trials().size());
        assertThat(recorder.measured).as("each trial reported as it completes, in order")
                .isEqualTo(tune.trials().stream().map(Tune.Trial::index).toList());
        assertThat(tune.trials().get(0).role()).isEqualTo(Tune.Role.DEFAULT);
        assertThat(tune.trials().get(0).workload()).isEqualTo(DEFAULT);
    }

    @Test
    void stopsAtMaxTrialsAndStillConfirmsTheBestSoFar() {
        Fake fake = landscape();
        Tune tune = new Tuner(null, 6, 3).tune("fake", DEFAULT, ONE_READER, fake, Tuner.Listener.NONE);

        assertThat(tune.searchTrials()).isEqualTo(6);
        assertThat(tune.exhausted()).isTrue();
        assertThat(fake.calls).hasSize(6 + 2 * 3);
        // trials 2-5 were the partitions: 8 is the best; the sixth, batch 32 KiB, is worse
        assertThat(tune.recommended()).isEqualTo(DEFAULT.toBuilder().partitions(8).build());
    }

    @Test
    void theDefaultsSearchStaysWithinTwentyTrials() {
        Fake fake = landscape();
        Tune tune = new Tuner(null, Tuner.DEFAULT_MAX_TRIALS, Tuner.CONFIRM_RUNS).tune("fake", DEFAULT, ONE_READER, fake,
                Tuner.Listener.NONE);
        assertThat(tune.searchTrials()).isEqualTo(Tuner.DEFAULT_MAX_TRIALS);
        assertThat(tune.recommended()).as("the first pass already reaches the peak of this landscape").isEqualTo(PEAK);
    }

    @Test
    void recommendsTheFastestConfigurationThatMeetsTheP99Target() {
        // throughput is best at linger 5 ms, but only linger 0 has a p99 (1 ms) within 2 ms
        Fake fake = new Fake(w -> result(w, 1_000_000 * peak(w.partitions(), 8)
                * (lingerMillis(w) == 5 ? 1.0 : lingerMillis(w) == 1 ? 0.9 : 0.8), 1000 + 2000 * lingerMillis(w)));
        Tune tune = new Tuner(Duration.ofMillis(2), 100, 3).tune("fake", DEFAULT, ONE_READER, fake, Tuner.Listener.NONE);

        assertThat(tune.recommended()).isEqualTo(DEFAULT.toBuilder().partitions(8).build());
        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.CONFIRMED);
        assertThat(tune.nothingMeets()).isFalse();
        assertThat(tune.confirmation().best().meets()).isTrue();
        for (Tune.Trial t : tune.trials()) {
            assertThat(t.meetsP99()).as("trial %s", t).isEqualTo(t.workload().linger().isZero());
        }
    }

    @Test
    void whenNothingMeetsTheTargetTheLowestP99IsRecommendedAndFlagged() {
        // p99 falls with prefetch and never gets below 1 ms: a 500 us target is out of reach
        Fake fake = new Fake(w -> result(w, 1_000_000 * peak(w.partitions(), 8), 1000 + 2000 * lingerMillis(w) + w.prefetch()));
        Tune tune = new Tuner(Duration.ofNanos(500_000), 100, 3).tune("fake", DEFAULT, ONE_READER, fake, Tuner.Listener.NONE);

        assertThat(tune.nothingMeets()).isTrue();
        assertThat(tune.trials()).noneMatch(Tune.Trial::meetsP99);
        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.CONFIRMED);
        RunResult recommended = tune.trials().get(tune.recommendedIndex()).result();
        double lowest = tune.trials().stream().mapToDouble(t -> t.result().latency().p99()).min().orElseThrow();
        assertThat(recommended.latency().p99()).as("the lowest p99 found, within the search's margin")
                .isLessThanOrEqualTo(lowest * (1 + Tuner.MIN_GAIN));
        assertThat(tune.recommended().prefetch()).isLessThan(DEFAULT.prefetch());
        assertThat(tune.recommended().linger()).isZero();
    }

    @Test
    void skipsValuesTheTargetRejectsAndNotesEachOnce() {
        Consumer<Workload> upTo8Partitions = w -> {
            ONE_READER.accept(w);
            if (w.partitions() > 8) {
                throw new IllegalArgumentException("--partitions: at most 8, was " + w.partitions());
            }
        };
        Fake fake = landscape();
        Recorder recorder = new Recorder();
        Tune tune = new Tuner(null, 100, 3).tune("fake", DEFAULT, upTo8Partitions, fake, recorder);

        assertThat(fake.calls).allMatch(w -> w.concurrency() == 1 && w.partitions() <= 8);
        assertThat(tune.skipped()).contains("--concurrency 2 skipped (fake rejects it: --concurrency: one reader only, was 2)",
                "--concurrency 4 skipped (fake rejects it: --concurrency: one reader only, was 4)",
                "--partitions 16 skipped (fake rejects it: --partitions: at most 8, was 16)");
        assertThat(tune.skipped()).doesNotHaveDuplicates();
        assertThat(recorder.skipped).isEqualTo(tune.skipped());
        assertThat(tune.recommended()).isEqualTo(PEAK);
    }

    @Test
    void keepsTheDefaultWithoutConfirmationWhenNothingBeatsIt() {
        Fake fake = new Fake(w -> result(w, 1_000_000 * peak(w.partitions(), 4) * peak(w.batchSize(), 64 * 1024)
                * (w.linger().isZero() ? 1 : 0.5) * peak(w.prefetch(), 512), 1000));
        Tune tune = new Tuner(null, 100, 3).tune("fake", DEFAULT, ONE_READER, fake, Tuner.Listener.NONE);

        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.KEPT_DEFAULT);
        assertThat(tune.recommendedIndex()).isZero();
        assertThat(tune.defaultIndex()).isZero();
        assertThat(tune.recommended()).isEqualTo(DEFAULT);
        assertThat(tune.confirmation()).isNull();
        assertThat(tune.trials()).noneMatch(t -> t.role().confirmation());
        assertThat(fake.calls).doesNotHaveDuplicates();
    }

    @Test
    void aFailedDefaultEndsTheTuneWithoutARecommendation() {
        Fake fake = new Fake(w -> RunResult.failure("fake", w, "broker unreachable"));
        Tune tune = new Tuner(null, 100, 3).tune("fake", DEFAULT, ACCEPT_ALL, fake, Tuner.Listener.NONE);

        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.DEFAULT_FAILED);
        assertThat(tune.recommendedIndex()).isNull();
        assertThat(tune.recommended()).isNull();
        assertThat(fake.calls).containsExactly(DEFAULT);
    }

    @Test
    void aFailedTrialIsNeverTheBest() {
        Fake fake = landscape();
        Fake failing8 = new Fake(w -> w.partitions() == 8 ? RunResult.failure("fake", w, "boom") : fake.apply(w));
        Tune tune = new Tuner(null, 100, 3).tune("fake", DEFAULT, ONE_READER, failing8, Tuner.Listener.NONE);

        assertThat(tune.recommended().partitions()).isNotEqualTo(8);
        assertThat(tune.trials()).filteredOn(t -> t.result().failed()).isNotEmpty().noneMatch(Tune.Trial::meetsP99);
    }

    /** Flat at 1,000,000 msgs/s; the listed configurations return the given multipliers, one per run, in order. */
    private static Fake noisy(Map<Workload, double[]> sequences) {
        Map<Workload, Deque<Double>> left = new HashMap<>();
        sequences.forEach((w, values) -> {
            Deque<Double> d = new ArrayDeque<>();
            for (double v : values) {
                d.add(v);
            }
            left.put(w, d);
        });
        return new Fake(w -> {
            Deque<Double> d = left.get(w);
            return result(w, 1_000_000 * (d == null ? 1.0 : d.removeFirst()), 1000);
        });
    }

    @Test
    void aLuckySearchRunThatDoesNotHoldUpOnReMeasurementLeavesTheDefaultRecommended() {
        Workload lucky = DEFAULT.toBuilder().partitions(8).build();
        // search run first, then the three confirmation runs of each
        Fake fake = noisy(Map.of(DEFAULT, new double[] {1.0, 1.2, 0.8, 1.1}, lucky, new double[] {2.0, 0.95, 1.25, 0.7}));
        Tune tune = new Tuner(null, 100, 3).tune("fake", DEFAULT, ONE_READER, fake, Tuner.Listener.NONE);

        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.NOT_CONFIRMED);
        Tune.Confirmation c = tune.confirmation();
        assertThat(c.candidate()).isEqualTo(lucky);
        assertThat(c.defaults().msgsPerSec()).isEqualTo(1_100_000);
        assertThat(c.best().msgsPerSec()).isEqualTo(950_000);
        assertThat(tune.recommended()).isEqualTo(DEFAULT);
        assertThat(tune.recommendedIndex()).isEqualTo(tune.defaultIndex());
        assertThat(tune.trials().get(tune.defaultIndex()).role()).isEqualTo(Tune.Role.CONFIRM_DEFAULT);
        assertThat(tune.trials().get(tune.defaultIndex()).result().msgsPerSec()).as("the median run represents the default")
                .isEqualTo(1_100_000);
        List<Tune.Role> confirmation = tune.trials().stream().map(Tune.Trial::role).filter(Tune.Role::confirmation).toList();
        assertThat(confirmation).as("ABBA order").containsExactly(Tune.Role.CONFIRM_DEFAULT, Tune.Role.CONFIRM_BEST,
                Tune.Role.CONFIRM_BEST, Tune.Role.CONFIRM_DEFAULT, Tune.Role.CONFIRM_DEFAULT, Tune.Role.CONFIRM_BEST);
        assertThat(c.defaultRuns()).containsExactlyElementsOf(indexes(tune, Tune.Role.CONFIRM_DEFAULT));
        assertThat(c.bestRuns()).containsExactlyElementsOf(indexes(tune, Tune.Role.CONFIRM_BEST));
    }

    @Test
    void oneBadConfirmationRunDoesNotOverturnABetterConfiguration() {
        Workload better = DEFAULT.toBuilder().partitions(8).build();
        // the best's mean (0.883) is below the default's (1.0); its median (1.25) is above
        Fake fake = noisy(Map.of(DEFAULT, new double[] {1.0, 1.1, 0.9, 1.0}, better, new double[] {1.6, 1.3, 0.1, 1.25}));
        Tune tune = new Tuner(null, 100, 3).tune("fake", DEFAULT, ONE_READER, fake, Tuner.Listener.NONE);

        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.CONFIRMED);
        assertThat(tune.recommended()).isEqualTo(better);
        assertThat(tune.confirmation().best().msgsPerSec()).isEqualTo(1_250_000);
        assertThat(tune.confirmation().defaults().msgsPerSec()).isEqualTo(1_000_000);
        assertThat(tune.trials().get(tune.recommendedIndex()).result().msgsPerSec()).isEqualTo(1_250_000);
        assertThat(tune.trials().get(tune.recommendedIndex()).role()).isEqualTo(Tune.Role.CONFIRM_BEST);
    }

    @Test
    void confirmationComparesMediansAndPutsTheTargetFirst() {
        Tune.Stats fastMisses = new Tune.Stats(2_000_000, 9000, false);
        Tune.Stats slowMeets = new Tune.Stats(1_000_000, 900, true);
        Tune.Stats slowerMeets = new Tune.Stats(900_000, 800, true);
        assertThat(Tuner.wins(slowMeets, fastMisses)).isTrue();
        assertThat(Tuner.wins(fastMisses, slowMeets)).isFalse();
        assertThat(Tuner.wins(slowMeets, slowerMeets)).isTrue();
        assertThat(Tuner.wins(slowerMeets, slowMeets)).isFalse();
        assertThat(Tuner.wins(slowMeets, slowMeets)).as("a tie keeps the default").isFalse();
        assertThat(Tuner.wins(new Tune.Stats(1, 8000, false), fastMisses)).as("both miss: lower p99").isTrue();

        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThatThrownBy(() -> Stats.median(List.of())).isInstanceOf(IllegalArgumentException.class);

        Tuner tuner = new Tuner(Duration.ofMillis(1), 10, 3);
        Tune.Stats s = tuner.stats(trials(result(DEFAULT, 100, 500), RunResult.failure("fake", DEFAULT, "x"), result(DEFAULT, 300, 700)));
        assertThat(s.msgsPerSec()).as("a failed run counts as 0 msgs/s").isEqualTo(100);
        assertThat(s.p99Micros()).as("and as an infinite p99").isEqualTo(700);
        assertThat(s.meets()).isTrue();
    }

    @Test
    void neighboursAreMultiplesWithinBoundsAndFixedLingers() {
        assertThat(Tuner.Knob.PARTITIONS.neighbours(4, true)).containsExactly(2L, 8L, 1L, 16L);
        assertThat(Tuner.Knob.PARTITIONS.neighbours(4, false)).containsExactly(2L, 8L);
        assertThat(Tuner.Knob.PARTITIONS.neighbours(1, true)).containsExactly(2L, 4L);
        assertThat(Tuner.Knob.PARTITIONS.neighbours(256, true)).containsExactly(128L, 64L);
        assertThat(Tuner.Knob.BATCH_SIZE.neighbours(2048, true)).containsExactly(1024L, 4096L, 8192L);
        assertThat(Tuner.Knob.LINGER.neighbours(0, true)).containsExactly(1_000_000L, 5_000_000L);
        assertThat(Tuner.Knob.LINGER.neighbours(2_000_000, false)).containsExactly(0L, 1_000_000L, 5_000_000L);
        assertThat(Tuner.options(PEAK)).isEqualTo("--partitions 8 --batch-size 262144 --linger 1ms --prefetch 2048 --concurrency 1");
    }

    @Test
    void badSettingsNameTheirOption() {
        assertThatThrownBy(() -> new Tuner(Duration.ZERO, 10, 3)).hasMessageContaining("--p99-target");
        assertThatThrownBy(() -> new Tuner(null, 0, 3)).hasMessageContaining("--max-trials").hasMessageContaining("was 0");
    }

    /** Throughput trials of these results, as the confirmation sees them. */
    private static List<Tune.Trial> trials(RunResult... results) {
        List<Tune.Trial> trials = new ArrayList<>();
        for (RunResult r : results) {
            trials.add(new Tune.Trial(trials.size(), Tune.Role.CONFIRM_DEFAULT, r.workload(), r, !r.failed(), ""));
        }
        return trials;
    }

    // --objective max-rate

    private static final Duration P99 = Duration.ofMillis(10);

    /**
     * A max-rate search of {@code w} against a simulated target: the unlimited step delivers {@code ceiling}, and a fixed
     * rate meets the 10 ms p99 target (2 ms) up to {@code knee} and misses it (50 ms) above; 10% precision, 8 steps, as tune.
     */
    static Tuner.Measurement search(Workload w, double ceiling, long knee) {
        MaxRateSearch search = new MaxRateSearch(w, Duration.ofSeconds(1), P99, 0.10, 8);
        List<RunResult> ran = new ArrayList<>();
        for (Workload step = search.next(null); step != null; step = search.next(ran.get(ran.size() - 1))) {
            long rate = step.rate();
            ran.add(result(step, rate == 0 ? ceiling : rate, rate == 0 || rate > knee ? 50_000 : 2_000));
        }
        return Tuner.Measurement.of(search, ran);
    }

    /** Unlimited throughput peaks at 16 partitions, but the rate sustained within the p99 target peaks at 2. */
    private static double ceiling(Workload w) {
        return 1_000_000 * peak(w.partitions(), 16);
    }

    private static long knee(Workload w) {
        return Math.round(400_000 * peak(w.partitions(), 2));
    }

    @Test
    void theMaxRateObjectiveRecommendsTheHighestMaxRateNotTheHighestThroughput() {
        Tune fastest = new Tuner(null, 100, 3).tune("fake", DEFAULT, ONE_READER, w -> result(w, ceiling(w), 50_000),
                Tuner.Listener.NONE);
        assertThat(fastest.objective()).isEqualTo(Tune.Objective.THROUGHPUT);
        assertThat(fastest.recommended().partitions()).as("flat out, 16 partitions are fastest").isEqualTo(16);
        assertThat(fastest.trials()).allMatch(t -> t.maxRate() == null);

        List<Workload> searched = new ArrayList<>();
        Recorder recorder = new Recorder();
        Tune tune = new Tuner(P99, 100, 3).tuneMaxRate("fake", DEFAULT, ONE_READER, w -> {
            searched.add(w);
            return search(w, ceiling(w), knee(w));
        }, recorder);

        assertThat(tune.objective()).isEqualTo(Tune.Objective.MAX_RATE);
        assertThat(tune.recommended()).as("within 10 ms, 2 partitions sustain the most")
                .isEqualTo(DEFAULT.toBuilder().partitions(2).build());
        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.CONFIRMED);
        assertThat(tune.nothingMeets()).isFalse();
        assertThat(searched).hasSize(tune.trials().size());
        assertThat(recorder.measured).isEqualTo(tune.trials().stream().map(Tune.Trial::index).toList());
        for (Tune.Trial t : tune.trials()) {
            Tune.MaxRate m = t.maxRate();
            assertThat(m).as("trial %s", t.index()).isNotNull();
            assertThat(m.rate()).as("trial %s: within the search's 10%% below the knee", t.index())
                    .isBetween((long) (knee(t.workload()) / 1.1 / 1.1), knee(t.workload()));
            assertThat(t.score()).isEqualTo(m.rate());
            assertThat(m.steps()).isBetween(3, 8);
            assertThat(m.ceiling()).isEqualTo(ceiling(t.workload()));
            assertThat(t.meetsP99()).isTrue();
            assertThat(t.result().workload().rate()).as("the trial's result is the step at its max rate").isEqualTo(m.rate());
            assertThat(t.p99Micros()).isEqualTo(2_000);
        }
        Tune.Trial recommended = tune.trials().get(tune.recommendedIndex());
        Tune.Trial defaults = tune.trials().get(tune.defaultIndex());
        assertThat(recommended.role()).isEqualTo(Tune.Role.CONFIRM_BEST);
        assertThat(tune.confirmation().best().msgsPerSec()).as("the confirmation compares max rates")
                .isEqualTo(recommended.maxRate().rate()).isGreaterThan(tune.confirmation().defaults().msgsPerSec());
        assertThat(recommended.maxRate().ceiling()).as("though flat out it is slower than the default")
                .isLessThan(defaults.maxRate().ceiling());
    }

    @Test
    void underMaxRateATrialThatMeetsTheTargetAtNoRateScoresZeroAndLoses() {
        // only 8 partitions or more keep p99 under 10 ms at any rate
        Tune tune = new Tuner(P99, 100, 3).tuneMaxRate("fake", DEFAULT, ONE_READER,
                w -> search(w, 1_000_000, w.partitions() >= 8 ? 200_000 : 0), Tuner.Listener.NONE);

        Tune.Trial first = tune.trials().get(0);
        assertThat(first.maxRate().rate()).isZero();
        assertThat(first.maxRate().met()).isFalse();
        assertThat(first.meetsP99()).isFalse();
        assertThat(first.score()).isZero();
        assertThat(first.p99Micros()).as("no p99 to compare").isInfinite();
        assertThat(first.maxRate().ended()).isEqualTo("at 8 steps");
        assertThat(first.maxRate().steps()).isEqualTo(8);
        assertThat(first.result().failed()).as("the last step represents it").isFalse();
        assertThat(tune.recommended().partitions()).isEqualTo(8);
        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.CONFIRMED);
        assertThat(tune.nothingMeets()).isFalse();
    }

    @Test
    void underMaxRateWhenNoConfigurationMeetsTheTargetTheDefaultIsKeptAndFlagged() {
        List<Workload> searched = new ArrayList<>();
        Tune tune = new Tuner(P99, 100, 3).tuneMaxRate("fake", DEFAULT, ONE_READER, w -> {
            searched.add(w);
            return search(w, 1_000_000 * peak(w.partitions(), 16), 0);
        }, Tuner.Listener.NONE);

        assertThat(tune.trials()).allMatch(t -> t.maxRate().rate() == 0 && !t.meetsP99());
        assertThat(tune.outcome()).as("trials that all score 0 tie: the search does not move").isEqualTo(Tune.Outcome.KEPT_DEFAULT);
        assertThat(tune.recommended()).isEqualTo(DEFAULT);
        assertThat(tune.nothingMeets()).isTrue();
        assertThat(new HashSet<>(searched)).hasSameSizeAs(searched);
    }

    @Test
    void aSearchCutShortByAFailedStepKeepsWhatItFoundOrFailsTheTrial() {
        MaxRateSearch search = new MaxRateSearch(DEFAULT, Duration.ofSeconds(1), P99, 0.10, 8);
        Workload unlimited = search.next(null);
        RunResult ceiling = result(unlimited, 1_000_000, 50_000);
        Workload half = search.next(ceiling);
        RunResult met = result(half, 500_000, 2_000);
        Workload next = search.next(met);
        RunResult failed = RunResult.failure("fake", next, "broker gone\nat line 2");
        // runSteps ends with the failed step, which the search never sees
        Tuner.Measurement m = Tuner.Measurement.of(search, List.of(ceiling, met, failed));
        assertThat(m.result()).isSameAs(met);
        assertThat(m.maxRate()).isEqualTo(new Tune.MaxRate(500_000, 1_000_000, 3, "a step failed: broker gone"));

        MaxRateSearch opening = new MaxRateSearch(DEFAULT, Duration.ofSeconds(1), P99, 0.10, 8);
        RunResult cannotOpen = RunResult.failure("fake", opening.next(null), "connection refused");
        Tuner.Measurement none = Tuner.Measurement.of(opening, List.of(cannotOpen));
        assertThat(none.result()).isSameAs(cannotOpen);
        assertThat(none.maxRate().rate()).isZero();
        Tune tune = new Tuner(P99, 10, 3).tuneMaxRate("fake", DEFAULT, ACCEPT_ALL, w -> none, Tuner.Listener.NONE);
        assertThat(tune.outcome()).isEqualTo(Tune.Outcome.DEFAULT_FAILED);
        assertThat(tune.trials().get(0).score()).isZero();
    }

    @Test
    void theMaxRateConfirmationComparesMedianMaxRates() {
        Tuner tuner = new Tuner(P99, 10, 3);
        List<Tune.Trial> runs = new ArrayList<>();
        for (long knee : new long[] {300_000, 0, 100_000}) {
            Tuner.Measurement m = search(DEFAULT, 1_000_000, knee);
            runs.add(new Tune.Trial(runs.size(), Tune.Role.CONFIRM_BEST, DEFAULT, m.result(), m.maxRate().met(), "", m.maxRate()));
        }
        Tune.Stats s = tuner.stats(runs);
        assertThat(s.msgsPerSec()).as("the median max rate; a search that met nothing counts 0")
                .isEqualTo(runs.get(2).maxRate().rate()).isPositive();
        assertThat(s.p99Micros()).isEqualTo(2_000);
        assertThat(s.meets()).isTrue();
    }

    @Test
    void theMaxRateObjectiveNeedsAP99Target() {
        assertThatThrownBy(() -> new Tuner(null, 10, 3).tuneMaxRate("fake", DEFAULT, ACCEPT_ALL, w -> search(w, 1, 1),
                Tuner.Listener.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--p99-target");
        assertThat(Tune.Objective.parse("max-rate")).isEqualTo(Tune.Objective.MAX_RATE);
        assertThat(Tune.Objective.parse("Throughput")).isEqualTo(Tune.Objective.THROUGHPUT);
        assertThatThrownBy(() -> Tune.Objective.parse("latency")).hasMessage("unknown objective 'latency'; known: throughput, max-rate");
    }

    private static List<Integer> indexes(Tune tune, Tune.Role role) {
        return tune.trials().stream().filter(t -> t.role() == role).map(Tune.Trial::index).toList();
    }
}
