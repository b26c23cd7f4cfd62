package io.sluice.benchmarks.perf.tune;

import io.sluice.benchmarks.perf.measure.MaxRateSearch;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Stats;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The search behind {@code sluice-perf tune}: a coordinate search (a hill climb, one knob at a time) for the
 * configuration with the highest throughput whose p99 meets a target, measuring a few dozen configurations at
 * most instead of the full grid. It knows nothing of targets or runners: it is given a function that measures a
 * configuration, so it can be tested with a fake.
 *
 * <p><b>Objective.</b> What a trial scores ({@link Tune.Trial#score()}): with {@link #tune} its throughput, one run
 * each; with {@link #tuneMaxRate} its max rate under the p99 target, one {@link MaxRateSearch} each (0 when no rate
 * met the target), so the recommendation is the configuration that sustains the most within the latency target
 * rather than the one that is fastest flat out (whose p99 at that rate is mostly queueing). The search, the
 * comparison and the confirmation below are the same for both; only the score and the p99 they read differ.
 *
 * <p><b>Search.</b> Measure the default (the starting workload). Then, for each {@link Knob} in turn
 * (partitions, batch size, linger, prefetch, concurrency), measure the neighbours of the current best value —
 * x/2, x2, x/4, x4 for sizes and counts (only x/2 and x2 after the first pass), 0, 1 ms and 5 ms for linger —
 * and move to the best neighbour if it is better than the current best, then go on with the next knob from there.
 * Passes repeat while the last one moved, until {@code maxTrials} configurations have been measured (the
 * default included). A configuration is never measured twice during the search: results are cached by
 * configuration. A neighbour the target rejects ({@code validate} throws {@link IllegalArgumentException}) is
 * skipped and noted.
 *
 * <p><b>Better.</b> A finished run beats a failed one; with a target, a run meeting it beats one missing it;
 * between two runs meeting it (or with no target) the higher score wins, and between two missing it the
 * lower p99. In the search a move needs a margin of {@link #MIN_GAIN} (5%: a higher score by 5%, or lower p99
 * by 5%) so that the climb does not chase the noise of a single run. Under max-rate a trial that met the target at
 * no rate has no p99 to compare (it counts as infinite): two such trials tie, so the search does not move on them.
 *
 * <p><b>Confirmation.</b> One run of each configuration is noisy (±20% on a shared 2-core machine), and the
 * best of many noisy runs is biased upwards. So when the search ends somewhere other than the default, the
 * default and the search's best are re-measured {@code confirmRuns} times each, alternating in ABBA order
 * (D B, B D, D B, ...) so that drift over time hurts neither, and compared by the same rule on their
 * <em>medians</em>. The best is recommended only if it wins that comparison; otherwise the default is, and the
 * outcome says so. Hence, with no p99 target (or when both meet it) the recommended configuration's median
 * score is at least the default's in the same run, by construction.
 *
 * <p><b>Nothing meets the target.</b> Then the climb follows the lowest p99, and the configuration with the
 * lowest p99 it found is recommended (after the same confirmation), flagged by {@link Tune#nothingMeets()}:
 * when no configuration is fast enough, the closest one is the most useful answer. Under max-rate, where such
 * trials tie, the default is kept and flagged.
 *
 * <p>One class of over 400 lines: the search and the confirmation share the cache of measured configurations, the
 * comparison above and the numbering of trials the listener reports; apart, they would pass all three back and
 * forth.
 */
public final class Tuner {
    /** The default of {@code --max-trials}. */
    public static final int DEFAULT_MAX_TRIALS = 20;
    /** Re-measurements of the default and of the search's best at the end, each. */
    public static final int CONFIRM_RUNS = 3;
    /** The margin a neighbour needs to replace the current best during the search. */
    public static final double MIN_GAIN = 0.05;

    /**
     * What measuring one configuration for {@link #tuneMaxRate} gave.
     *
     * @param result  the run that represents it (see {@link Tune.Trial#result()})
     * @param maxRate its max-rate search
     */
    public record Measurement(RunResult result, Tune.MaxRate maxRate) {
        public Measurement {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(maxRate, "maxRate");
        }

        /**
         * A finished (or failed) search: {@code ran} is what {@link io.sluice.benchmarks.perf.measure.PerfRunner#runSteps}
         * returned for it, whose last result is a failure the search never saw when a step failed. The representative
         * run is the step at the max rate, or the last step run when no rate met the target.
         */
        public static Measurement of(MaxRateSearch search, List<RunResult> ran) {
            if (ran.isEmpty()) {
                throw new IllegalArgumentException("a max-rate search ran no step");
            }
            RunResult last = ran.get(ran.size() - 1);
            MaxRateSearch.Step best = search.best();
            String ended = search.ended() != null ? search.ended()
                    : last.failed() ? "a step failed: " + String.valueOf(last.error()).lines().findFirst().orElse("") : "stopped";
            return new Measurement(best == null ? last : best.result(),
                    new Tune.MaxRate(search.maxRate(), search.ceiling(), ran.size(), ended));
        }
    }

    /** What a session's measurement gave, whatever the objective: the trial's result, whether it meets, its search. */
    private record Measured(RunResult result, boolean meetsP99, Tune.MaxRate maxRate) {
    }

    /** Hears about the search as it goes: the command prints each trial as it completes. */
    public interface Listener {
        /** A no-op listener. */
        Listener NONE = new Listener() {
        };

        /** A new pass over the knobs begins (numbered from 1). */
        default void pass(int number) {
        }

        /** A run finished. */
        default void measured(Tune.Trial trial) {
        }

        /** A neighbour was not measured: {@code note} says which and why. */
        default void skipped(Workload workload, String note) {
        }

        /** The confirmation of {@code best} against the default begins. */
        default void confirming(Workload best) {
        }
    }

    /** The knobs the search turns, in the order it turns them. */
    enum Knob {
        PARTITIONS("--partitions", 1, 256) {
            @Override
            long get(Workload w) {
                return w.partitions();
            }

            @Override
            Workload with(Workload w, long value) {
                return w.toBuilder().partitions((int) value).build();
            }
        },
        BATCH_SIZE("--batch-size", 1024, 16 * 1024 * 1024) {
            @Override
            long get(Workload w) {
                return w.batchSize();
            }

            @Override
            Workload with(Workload w, long value) {
                return w.toBuilder().batchSize((int) value).build();
            }
        },
        /** Linger in nanoseconds; its neighbours are fixed values, not multiples. */
        LINGER("--linger", 0, Long.MAX_VALUE) {
            @Override
            long get(Workload w) {
                return w.linger().toNanos();
            }

            @Override
            Workload with(Workload w, long value) {
                return w.toBuilder().linger(Duration.ofNanos(value)).build();
            }

            @Override
            List<Long> neighbours(long value, boolean coarse) {
                List<Long> out = new ArrayList<>();
                for (Duration d : LINGERS) {
                    if (d.toNanos() != value) {
                        out.add(d.toNanos());
                    }
                }
                return out;
            }

            @Override
            String format(long value) {
                return Durations.format(Duration.ofNanos(value));
            }
        },
        PREFETCH("--prefetch", 16, 1 << 16) {
            @Override
            long get(Workload w) {
                return w.prefetch();
            }

            @Override
            Workload with(Workload w, long value) {
                return w.toBuilder().prefetch((int) value).build();
            }
        },
        CONCURRENCY("--concurrency", 1, 256) {
            @Override
            long get(Workload w) {
                return w.concurrency();
            }

            @Override
            Workload with(Workload w, long value) {
                return w.toBuilder().concurrency((int) value).build();
            }
        };

        /** The linger values tried. */
        static final List<Duration> LINGERS = List.of(Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(5));

        private final String option;
        private final long min;
        private final long max;

        Knob(String option, long min, long max) {
            this.option = option;
            this.min = min;
            this.max = max;
        }

        /** The {@code sluice-perf} option that sets this knob. */
        String option() {
            return option;
        }

        abstract long get(Workload w);

        abstract Workload with(Workload w, long value);

        /**
         * The values to try around {@code value}, nearest first: x/2, x2 and, in a coarse pass, x/4, x4; kept within
         * this knob's bounds, without {@code value} itself or repeats.
         */
        List<Long> neighbours(long value, boolean coarse) {
            long[] raw = coarse ? new long[] {value / 2, value * 2, value / 4, value * 4} : new long[] {value / 2, value * 2};
            Set<Long> out = new LinkedHashSet<>();
            for (long v : raw) {
                long clamped = Math.max(min, Math.min(max, v));
                if (clamped != value) {
                    out.add(clamped);
                }
            }
            return new ArrayList<>(out);
        }

        /** The value as the option takes it. */
        String format(long value) {
            return Long.toString(value);
        }
    }

    private final Duration p99Target;
    private final int maxTrials;
    private final int confirmRuns;

    /**
     * @param p99Target   the latency a recommendation must meet, or null for none
     * @param maxTrials   the most configurations the search measures, the default included (the confirmation runs
     *                    come on top)
     * @param confirmRuns re-measurements of the default and of the search's best, each
     */
    public Tuner(Duration p99Target, int maxTrials, int confirmRuns) {
        if (p99Target != null && (p99Target.isNegative() || p99Target.isZero())) {
            throw new IllegalArgumentException("--p99-target must be positive, was " + Durations.format(p99Target));
        }
        if (maxTrials < 1) {
            throw new IllegalArgumentException("--max-trials must be >= 1, was " + maxTrials);
        }
        if (confirmRuns < 1) {
            throw new IllegalArgumentException("confirmation runs must be >= 1, was " + confirmRuns);
        }
        this.p99Target = p99Target;
        this.maxTrials = maxTrials;
        this.confirmRuns = confirmRuns;
    }

    /** The knob values of {@code w} as a command-line fragment: {@code --partitions 8 --batch-size 131072 ...}. */
    public static String options(Workload w) {
        StringBuilder sb = new StringBuilder();
        for (Knob k : Knob.values()) {
            sb.append(sb.length() == 0 ? "" : " ").append(k.option()).append(' ').append(k.format(k.get(w)));
        }
        return sb.toString();
    }

    /**
     * Searches from {@code start} for the highest throughput ({@link Tune.Objective#THROUGHPUT}) and confirms the result.
     *
     * @param target   the target's name (for the outcome only)
     * @param start    the default configuration
     * @param validate throws {@link IllegalArgumentException} for a configuration the target cannot run
     * @param measure  runs a configuration once; never throws for a failed run (it returns a failed result)
     * @param listener hears about each run as it finishes
     */
    public Tune tune(String target, Workload start, Consumer<Workload> validate, Function<Workload, RunResult> measure, Listener listener) {
        Objects.requireNonNull(measure, "measure");
        return new Session(target, Tune.Objective.THROUGHPUT, validate, w -> {
            RunResult r = Objects.requireNonNull(measure.apply(w), "measure returned null");
            return new Measured(r, meets(r), null);
        }, listener).run(start);
    }

    /**
     * Searches from {@code start} for the highest max rate under the p99 target ({@link Tune.Objective#MAX_RATE}) and
     * confirms the result: the same search and confirmation as {@link #tune}, each trial scored by its max rate.
     *
     * @param search   runs a max-rate search of a configuration ({@link Measurement#of}); never throws for a failed run
     * @throws IllegalArgumentException naming {@code --p99-target} when this tuner has none
     * @see #tune the other parameters
     */
    public Tune tuneMaxRate(String target, Workload start, Consumer<Workload> validate, Function<Workload, Measurement> search,
            Listener listener) {
        if (p99Target == null) {
            throw new IllegalArgumentException("--objective max-rate needs --p99-target: the p99 each trial's max rate keeps under");
        }
        Objects.requireNonNull(search, "search");
        return new Session(target, Tune.Objective.MAX_RATE, validate, w -> {
            Measurement m = Objects.requireNonNull(search.apply(w), "search returned null");
            return new Measured(m.result(), !m.result().failed() && m.maxRate().met(), m.maxRate());
        }, listener).run(start);
    }

    /** True when {@code r} finished and its p99 is within the target (or there is none). */
    boolean meets(RunResult r) {
        return !r.failed() && (p99Target == null || r.latency().p99() <= targetMicros());
    }

    private double targetMicros() {
        return p99Target.toNanos() / 1e3;
    }

    /** The search's comparison: is {@code a} better than {@code b} by the {@link #MIN_GAIN} margin? */
    static boolean better(Tune.Trial a, Tune.Trial b) {
        if (a.result().failed() || b.result().failed()) {
            return !a.result().failed();
        }
        boolean ma = a.meetsP99();
        if (ma != b.meetsP99()) {
            return ma;
        }
        if (ma) {
            return a.score() > b.score() * (1 + MIN_GAIN);
        }
        return a.p99Micros() * (1 + MIN_GAIN) < b.p99Micros();
    }

    /** The confirmation's comparison, on medians and without a margin: does {@code best} beat {@code defaults}? */
    static boolean wins(Tune.Stats best, Tune.Stats defaults) {
        if (best.meets() != defaults.meets()) {
            return best.meets();
        }
        if (best.meets()) {
            return best.msgsPerSec() > defaults.msgsPerSec();
        }
        return best.p99Micros() < defaults.p99Micros();
    }

    /** The medians of several runs of one configuration, for the confirmation. */
    Tune.Stats stats(List<Tune.Trial> runs) {
        double msgs = Stats.median(runs.stream().map(Tune.Trial::score).toList());
        double p99 = Stats.median(runs.stream().map(Tune.Trial::p99Micros).toList());
        boolean meets = Double.isFinite(p99) && (p99Target == null || p99 <= targetMicros());
        return new Tune.Stats(msgs, p99, meets);
    }

    /** One tune: the runs so far, the cache, the notes. */
    private final class Session {
        private final String target;
        private final Tune.Objective objective;
        private final Consumer<Workload> validate;
        private final Function<Workload, Measured> measure;
        private final Listener listener;
        private final List<Tune.Trial> trials = new ArrayList<>();
        private final Map<Workload, Tune.Trial> measured = new HashMap<>();
        private final Set<Workload> rejected = new HashSet<>();
        private final Set<String> skipped = new LinkedHashSet<>();
        private boolean exhausted;

        Session(String target, Tune.Objective objective, Consumer<Workload> validate, Function<Workload, Measured> measure,
                Listener listener) {
            this.target = Objects.requireNonNull(target, "target");
            this.objective = objective;
            this.validate = Objects.requireNonNull(validate, "validate");
            this.measure = Objects.requireNonNull(measure, "measure");
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        Tune run(Workload start) {
            listener.pass(1);
            Tune.Trial def = measure(start, Tune.Role.DEFAULT, "default");
            measured.put(start, def);
            if (def.result().failed()) {
                return tune(null, null, Tune.Outcome.DEFAULT_FAILED, false, null);
            }
            Tune.Trial best = search(def);
            if (best == def) {
                return tune(0, 0, Tune.Outcome.KEPT_DEFAULT, p99Target != null && !def.meetsP99(), null);
            }
            return confirm(def.workload(), best.workload());
        }

        private Tune.Trial search(Tune.Trial def) {
            Tune.Trial best = def;
            boolean moved = true;
            for (int pass = 1; moved && !exhausted; pass++) {
                if (pass > 1) {
                    listener.pass(pass);
                }
                moved = false;
                for (Knob knob : Knob.values()) {
                    Tune.Trial winner = best;
                    long current = knob.get(best.workload());
                    for (long value : knob.neighbours(current, pass == 1)) {
                        String change = knob.option() + " " + knob.format(current) + " -> " + knob.format(value);
                        Tune.Trial t = trial(best.workload(), knob, value, change);
                        if (t != null && better(t, winner)) {
                            winner = t;
                        }
                        if (exhausted) {
                            break;
                        }
                    }
                    if (winner != best) {
                        best = winner;
                        moved = true;
                    }
                    if (exhausted) {
                        break;
                    }
                }
            }
            return best;
        }

        /** The measured (or cached) trial of {@code from} with {@code knob} set to {@code value}; null when skipped. */
        private Tune.Trial trial(Workload from, Knob knob, long value, String change) {
            Workload w;
            try {
                w = knob.with(from, value);
            } catch (IllegalArgumentException e) { // not a valid workload at all
                skip(from, knob, value, "invalid: " + e.getMessage());
                return null;
            }
            if (rejected.contains(w)) {
                return null;
            }
            Tune.Trial cached = measured.get(w);
            if (cached != null) {
                return cached;
            }
            try {
                validate.accept(w);
            } catch (IllegalArgumentException e) {
                rejected.add(w);
                skip(w, knob, value, target + " rejects it: " + e.getMessage());
                return null;
            }
            if (trials.size() >= maxTrials) {
                exhausted = true;
                return null;
            }
            Tune.Trial t = measure(w, Tune.Role.SEARCH, change);
            measured.put(w, t);
            return t;
        }

        /** Notes a skipped value once (the same value is often a neighbour again in a later pass). */
        private void skip(Workload w, Knob knob, long value, String why) {
            String note = knob.option() + " " + knob.format(value) + " skipped (" + why + ")";
            if (skipped.add(note)) {
                listener.skipped(w, note);
            }
        }

        private Tune.Trial measure(Workload w, Tune.Role role, String change) {
            Measured m = measure.apply(w);
            Tune.Trial t = new Tune.Trial(trials.size(), role, w, m.result(), m.meetsP99(), change, m.maxRate());
            trials.add(t);
            listener.measured(t);
            return t;
        }

        private Tune confirm(Workload def, Workload best) {
            listener.confirming(best);
            List<Integer> defaultRuns = new ArrayList<>();
            List<Integer> bestRuns = new ArrayList<>();
            for (int i = 0; i < confirmRuns; i++) {
                boolean defaultFirst = i % 2 == 0; // ABBA: D B, B D, D B, ...
                for (int j = 0; j < 2; j++) {
                    boolean isDefault = (j == 0) == defaultFirst;
                    Tune.Trial t = isDefault
                            ? measure(def, Tune.Role.CONFIRM_DEFAULT, Tune.Role.CONFIRM_DEFAULT.label())
                            : measure(best, Tune.Role.CONFIRM_BEST, Tune.Role.CONFIRM_BEST.label());
                    (isDefault ? defaultRuns : bestRuns).add(t.index());
                }
            }
            Tune.Stats d = stats(trials(defaultRuns));
            Tune.Stats b = stats(trials(bestRuns));
            boolean bestWins = wins(b, d);
            Tune.Confirmation c = new Tune.Confirmation(best, d, b, defaultRuns, bestRuns);
            int defaultIndex = representative(defaultRuns);
            int recommended = bestWins ? representative(bestRuns) : defaultIndex;
            boolean nothingMeets = p99Target != null && !(bestWins ? b : d).meets();
            return tune(defaultIndex, recommended, bestWins ? Tune.Outcome.CONFIRMED : Tune.Outcome.NOT_CONFIRMED, nothingMeets, c);
        }

        private List<Tune.Trial> trials(List<Integer> indexes) {
            return indexes.stream().map(trials::get).toList();
        }

        /** Of these runs, the one with the median score (the lower middle one for an even count). */
        private int representative(List<Integer> indexes) {
            List<Integer> sorted = new ArrayList<>(indexes);
            sorted.sort(Comparator.comparingDouble(i -> trials.get(i).score()));
            return sorted.get((sorted.size() - 1) / 2);
        }

        private Tune tune(Integer defaultIndex, Integer recommended, Tune.Outcome outcome, boolean nothingMeets, Tune.Confirmation c) {
            return new Tune(target, objective, p99Target, trials, defaultIndex == null ? 0 : defaultIndex, recommended, outcome,
                    nothingMeets, c, new ArrayList<>(skipped), exhausted);
        }
    }
}
