package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.measure.MaxRateSearch;
import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.report.JsonReport;
import io.sluice.benchmarks.perf.report.Table;
import io.sluice.benchmarks.perf.targets.SluiceEmbeddedTarget;
import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.tune.Tune;
import io.sluice.benchmarks.perf.tune.Tuner;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-perf tune}: searches partitions, batch size, linger, prefetch and concurrency around the
 * configuration the workload options give (the default) and recommends the one with the highest throughput whose
 * p99 meets {@code --p99-target}. The search and the confirmation are {@link Tuner}'s; this class runs the trials
 * (each a fresh target through {@link PerfRunner}) and prints them.
 *
 * <p>Each trial sends for {@code --trial-duration} (5 s), or {@code --count} records when given, after a warm-up
 * of {@code --warmup} (1 s here unless given; the very first trial warms up for at least {@value #COLD_WARMUP_S} s
 * because the JVM is cold then). Exit codes: 0 a recommendation was made, 1 the default configuration failed, a
 * confirmation run failed or the JSON file could not be written, 2 bad options.
 *
 * <p>With {@code --objective max-rate} each trial is instead a {@link MaxRateSearch} on one opening of the trial's
 * target ({@link PerfRunner#runSteps}): its window is {@code --trial-duration}, each later step first settles for
 * {@code --settle} (1 s, shorter than {@code max-rate}'s 3 s: a trial is one of dozens), it stops when its bounds are
 * within {@value #MAX_RATE_PRECISION_PERCENT}% (coarser than {@code max-rate}'s 5%, for the same reason) or at
 * {@code --max-steps} (8) steps, and the trial scores the max rate it found under {@code --p99-target}. A trial then
 * takes up to 8 windows instead of one: a default tune up to about 21 minutes instead of 3.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Searches partitions, batch size, linger, prefetch and concurrency around the given workload (the default)"
                + " one knob at a time, re-measures the best against the default, and recommends the configuration with the"
                + " highest throughput (with --objective max-rate: the highest max rate) whose p99 meets --p99-target.")
final class TuneCommand implements Callable<Integer> {
    /** The minimum warm-up of the first trial, in seconds. */
    static final int COLD_WARMUP_S = 3;
    private static final Duration DEFAULT_WARMUP = Duration.ofSeconds(1);
    private static final Duration DEFAULT_TRIAL = Duration.ofSeconds(5);
    /** Under {@code --objective max-rate}: how close each trial's search brings its bounds, in percent. */
    static final int MAX_RATE_PRECISION_PERCENT = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "NAME", defaultValue = SluiceEmbeddedTarget.NAME,
            converter = Converters.TargetConverter.class,
            description = "The target to tune (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--objective", paramLabel = "NAME", defaultValue = "throughput", converter = Converters.ObjectiveConverter.class,
            description = "What a trial scores: throughput (one run at the workload's rate) or max-rate (a max-rate search: the"
                    + " highest fixed rate whose p99 stays under --p99-target, which it needs; a trial takes up to --max-steps"
                    + " windows) (default: ${DEFAULT-VALUE}).")
    Tune.Objective objective;

    @Option(names = "--p99-target", paramLabel = "TIME", converter = Converters.DurationConverter.class,
            description = "The p99 latency the recommendation must meet, e.g. 5ms; none by default (highest throughput wins);"
                    + " --objective max-rate needs one.")
    Duration p99Target;

    @Option(names = "--trial-duration", paramLabel = "TIME", converter = Converters.DurationConverter.class,
            description = "How long each trial sends (default: 5s; --count N sends N records per trial instead).")
    Duration trialDuration;

    @Option(names = "--max-trials", paramLabel = "N", defaultValue = "" + Tuner.DEFAULT_MAX_TRIALS,
            description = "The most configurations the search measures, the default included; re-measuring the default and"
                    + " the best (" + Tuner.CONFIRM_RUNS + " runs each) comes on top (default: ${DEFAULT-VALUE}).")
    int maxTrials;

    @Option(names = "--settle", paramLabel = "TIME", defaultValue = "1s", converter = Converters.DurationConverter.class,
            description = "With --objective max-rate: an unmeasured run at each step's rate before its window (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "8",
            description = "With --objective max-rate: the most steps of each trial's search, the unlimited-rate one included"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Mixin
    WorkloadOptions options;

    /** The last tune's outcome (for tests). */
    Tune tune;

    @Override
    public Integer call() {
        if (spec.commandLine().getParseResult().hasMatchedOption("--duration")) {
            throw error("tune runs trials of --trial-duration (or --count records each); --duration does not apply");
        }
        options.duration = null; // a workload file's (an OMB file always has one): the trials have their own, as their warm-up
        if (trialDuration != null && options.count != null) {
            throw error("--count and --trial-duration are mutually exclusive; give one");
        }
        if (trialDuration != null && (trialDuration.isZero() || trialDuration.isNegative())) {
            throw error("Invalid value for option '--trial-duration': must be positive, was " + Durations.format(trialDuration));
        }
        if (p99Target != null && p99Target.isZero()) {
            throw error("Invalid value for option '--p99-target': must be positive, was 0");
        }
        if (maxTrials < 1) {
            throw error("Invalid value for option '--max-trials': must be >= 1, was " + maxTrials);
        }
        checkObjective();
        Workload start = options.workload();
        if (!start.countBased()) {
            start = start.toBuilder().duration(trialDuration == null ? DEFAULT_TRIAL : trialDuration).build();
        }
        Target validator = options.target(target, start);
        PerfRunner.Settings settings = options.settings();
        Duration warmup = spec.commandLine().getParseResult().hasMatchedOption("--warmup") ? settings.warmup() : DEFAULT_WARMUP;
        PrintWriter out = spec.commandLine().getOut();
        out.println("sluice-perf tune: " + validator.name() + " (" + validator.description() + ")");
        out.println("default: " + start.describe());
        out.println(plan(start, warmup));
        if (p99Target != null && start.rate() == 0 && objective == Tune.Objective.THROUGHPUT) {
            out.println("note: at an unlimited rate records queue up to --max-backlog per partition, so the p99 is mostly that"
                    + " queueing; give --rate (below the ceiling) to tune latency at a load");
        }
        out.println();
        out.flush();

        Tuner tuner = new Tuner(p99Target, maxTrials, Tuner.CONFIRM_RUNS);
        tune = objective == Tune.Objective.MAX_RATE
                ? tuner.tuneMaxRate(validator.name(), start, validator::validate, searchMaxRate(settings, warmup), new Printer(out))
                : tuner.tune(validator.name(), start, validator::validate, measure(settings, warmup), new Printer(out));
        print(out, tune);
        boolean written = writeJson(start, out);
        boolean confirmationFailed = tune.trials().stream().anyMatch(t -> t.role().confirmation() && t.result().failed());
        return tune.recommendedIndex() == null || confirmationFailed || !written ? 1 : 0;
    }

    /**
     * Under {@code --objective max-rate}: refuses the options the search sets, and checks its settings; otherwise refuses
     * the options of max-rate trials.
     */
    private void checkObjective() {
        if (objective != Tune.Objective.MAX_RATE) {
            for (String option : List.of("--settle", "--max-steps")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw error(option + " applies to --objective max-rate only");
                }
            }
            return;
        }
        if (p99Target == null) {
            throw error("--objective max-rate needs --p99-target: the p99 each trial's max rate must keep under, e.g. --p99-target 10ms");
        }
        options.requireStepped("tune --objective max-rate", trialDuration == null ? DEFAULT_TRIAL : trialDuration, settle,
                "each trial's max-rate search sets the rate, and --trial-duration each step's window", "--rate", "--count", "--profile");
        try {
            MaxRateSearch.check(p99Target, MAX_RATE_PRECISION_PERCENT / 100.0, maxSteps);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** One run of a configuration against a fresh target; the first warms up longer (the JVM is cold). */
    private Function<Workload, RunResult> measure(PerfRunner.Settings settings, Duration warmup) {
        int[] runs = {0};
        return w -> new PerfRunner(settings.withWarmup(warmup(runs[0]++, warmup))).run(Targets.create(target, options.peers()), w);
    }

    /**
     * One max-rate search of a configuration, on one opening of a fresh target, each step a window of the trial's
     * duration; the first warms up longer (the JVM is cold).
     */
    private Function<Workload, Tuner.Measurement> searchMaxRate(PerfRunner.Settings settings, Duration warmup) {
        int[] runs = {0};
        return w -> {
            MaxRateSearch search = new MaxRateSearch(w, w.duration(), p99Target, MAX_RATE_PRECISION_PERCENT / 100.0, maxSteps);
            PerfRunner runner = new PerfRunner(settings.withWarmup(warmup(runs[0]++, warmup)));
            return Tuner.Measurement.of(search, runner.runSteps(Targets.create(target, options.peers()), search::next, settle));
        };
    }

    /** The warm-up of run number {@code run} (from 0): the first lasts at least {@value #COLD_WARMUP_S} s, unless none is asked. */
    private static Duration warmup(int run, Duration warmup) {
        return run == 0 && !warmup.isZero() && warmup.getSeconds() < COLD_WARMUP_S ? Duration.ofSeconds(COLD_WARMUP_S) : warmup;
    }

    private String plan(Workload start, Duration warmup) {
        if (objective == Tune.Objective.MAX_RATE) {
            double window = start.duration().toNanos() / 1e9;
            double perRun = warmup.toNanos() / 1e9 + maxSteps * window + (maxSteps - 1) * settle.toNanos() / 1e9 + 0.5;
            double total = (maxTrials + 2 * Tuner.CONFIRM_RUNS) * perRun + COLD_WARMUP_S;
            String settles = settle.isZero() ? "without a settle" : "each after a " + Durations.format(settle) + " settle at its rate";
            return String.format(Locale.ROOT, "objective max-rate: each trial is a max-rate search (steps of %s, %s, bounds within"
                    + " %d%%, at most %d steps after %s warm-up) and scores the highest rate with p99 under %s%nsearch: up to %d"
                    + " trials, then %d searches each of the default and the best if they differ; about %.1f min at most",
                    Durations.format(start.duration()), settles, MAX_RATE_PRECISION_PERCENT, maxSteps, Durations.format(warmup),
                    Durations.format(p99Target), maxTrials, Tuner.CONFIRM_RUNS, total / 60);
        }
        String each = start.countBased()
                ? String.format(Locale.ROOT, "%,d records", start.count())
                : Durations.format(start.duration());
        String target99 = p99Target == null ? "no p99 target (highest throughput wins)" : "p99 target " + Durations.format(p99Target);
        String plan = String.format(Locale.ROOT, "search: up to %d trials of %s (after %s warm-up), then %d runs each of the default"
                + " and the best if they differ; %s", maxTrials, each, Durations.format(warmup), Tuner.CONFIRM_RUNS, target99);
        if (!start.countBased()) {
            double perRun = start.duration().toNanos() / 1e9 + warmup.toNanos() / 1e9 + 0.5;
            double total = (maxTrials + 2 * Tuner.CONFIRM_RUNS) * perRun + COLD_WARMUP_S;
            plan += String.format(Locale.ROOT, "; about %.1f min at most", total / 60);
        }
        return plan;
    }

    /** Prints each run as it completes, and the search's notes. */
    private final class Printer implements Tuner.Listener {
        private final PrintWriter out;

        Printer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void pass(int number) {
            out.println(number == 1 ? "pass 1: x/2, x2, x/4, x4 around the default (linger: 0, 1ms, 5ms)"
                    : "pass " + number + ": x/2, x2 around the best so far");
            out.flush();
        }

        @Override
        public void measured(Tune.Trial t) {
            RunResult r = t.result();
            out.printf(Locale.ROOT, "trial %2d  %-34s %s: %s%n", t.index() + 1, t.change(), knobs(t.workload()),
                    r.failed() ? "FAILED: " + r.error().lines().findFirst().orElse("")
                            : t.maxRate() != null ? maxRate(t)
                            : String.format(Locale.ROOT, "%,.0f msgs/s, p99 %,.1f us%s", r.msgsPerSec(), r.latency().p99(),
                            p99Target == null ? "" : t.meetsP99() ? ", meets p99 target" : ", misses p99 target"));
            out.flush();
        }

        /** A max-rate trial's outcome: its max rate (0 when no rate met the target, and why), its steps, its ceiling. */
        private String maxRate(Tune.Trial t) {
            Tune.MaxRate m = t.maxRate();
            return m.met()
                    ? String.format(Locale.ROOT, "max rate %,d msgs/s (p99 %,.1f us there), %d steps, ceiling %,.0f msgs/s", m.rate(),
                            t.result().latency().p99(), m.steps(), m.ceiling())
                    : String.format(Locale.ROOT, "max rate 0: no rate met the p99 target (%d steps, %s), ceiling %,.0f msgs/s",
                            m.steps(), m.ended(), m.ceiling());
        }

        @Override
        public void skipped(Workload workload, String note) {
            out.println("skip      " + note);
            out.flush();
        }

        @Override
        public void confirming(Workload best) {
            out.printf(Locale.ROOT, "confirmation: re-measuring the default and the search's best (%s), %d runs each, alternating%n",
                    Tuner.options(best), Tuner.CONFIRM_RUNS);
            out.flush();
        }
    }

    private static String knobs(Workload w) {
        return String.format(Locale.ROOT, "partitions %d, batch %d, linger %s, prefetch %d, concurrency %d", w.partitions(),
                w.batchSize(), Durations.format(w.linger()), w.prefetch(), w.concurrency());
    }

    /** The sweep table and the recommendation. */
    void print(PrintWriter out, Tune t) {
        out.println();
        out.print(table(t).render());
        out.println();
        for (String note : t.skipped()) {
            out.println("skipped: " + note);
        }
        if (t.exhausted()) {
            out.println("the search stopped at --max-trials " + maxTrials + " (it was still improving or had neighbours left)");
        }
        String target99 = t.p99Target() == null ? null : Durations.format(t.p99Target());
        Workload def = t.defaultWorkload();
        switch (t.outcome()) {
            case DEFAULT_FAILED -> {
                out.println("no recommendation: the default configuration failed:");
                out.println("  " + t.trials().get(0).result().error().replace("\n", "\n  "));
            }
            case KEPT_DEFAULT -> {
                Tune.Trial first = t.trials().get(0);
                RunResult r = first.result();
                out.println("recommendation: keep the default: " + Tuner.options(def));
                String measured = first.maxRate() == null
                        ? String.format(Locale.ROOT, "%,.0f msgs/s, p99 %,.1f us", r.msgsPerSec(), r.latency().p99())
                        : first.maxRate().met()
                        ? String.format(Locale.ROOT, "max rate %,d msgs/s, p99 %,.1f us there", first.maxRate().rate(), r.latency().p99())
                        : "max rate 0";
                out.printf(Locale.ROOT, "  no configuration the search tried beat it by %.0f%% (trial 1: %s)%n", Tuner.MIN_GAIN * 100,
                        measured);
            }
            case CONFIRMED, NOT_CONFIRMED -> {
                Tune.Confirmation c = t.confirmation();
                boolean best = t.outcome() == Tune.Outcome.CONFIRMED;
                Tune.Stats rec = best ? c.best() : c.defaults();
                if (best) {
                    out.println("recommendation: " + Tuner.options(c.candidate()));
                } else {
                    out.println("recommendation: keep the default: " + Tuner.options(def));
                    out.println("  the search's best (" + Tuner.options(c.candidate()) + ") did not beat it when both were re-measured"
                            + (t.nothingMeets() ? " (on p99: neither met the target)" : ""));
                }
                boolean maxRate = t.objective() == Tune.Objective.MAX_RATE;
                out.printf(Locale.ROOT, "  %s %s%,.0f msgs/s vs the default's %,.0f (%s), p99%s %,.1f us vs %,.1f us (%s)%n",
                        best ? "recommended" : "search's best", maxRate ? "max rate " : "", c.best().msgsPerSec(),
                        c.defaults().msgsPerSec(),
                        ratio(c.best().msgsPerSec(), c.defaults().msgsPerSec()), maxRate ? " there" : "", c.best().p99Micros(),
                        c.defaults().p99Micros(), ratio(c.best().p99Micros(), c.defaults().p99Micros()));
                out.printf(Locale.ROOT, "  (medians of %d alternating %s each: default trials %s, best trials %s)%n",
                        c.defaultRuns().size(), maxRate ? "max-rate searches" : "runs", numbers(c.defaultRuns()), numbers(c.bestRuns()));
                if (target99 != null && !t.nothingMeets()) {
                    out.printf(Locale.ROOT, "  meets the p99 target of %s (median p99 %,.1f us)%n", target99, rec.p99Micros());
                }
            }
        }
        if (t.nothingMeets() && t.objective() == Tune.Objective.MAX_RATE) {
            out.println("  NO configuration met the p99 target of " + target99 + " at any rate it tried (a max rate of 0): the default"
                    + " is kept for want of a better one");
        } else if (t.nothingMeets()) {
            out.println("  NO configuration met the p99 target of " + target99 + ": the recommendation is the configuration with the"
                    + " lowest p99 found instead");
        }
        out.flush();
    }

    private static String ratio(double a, double b) {
        return b == 0 || !Double.isFinite(a) || !Double.isFinite(b) ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String numbers(List<Integer> indexes) {
        return String.join(", ", indexes.stream().map(i -> Integer.toString(i + 1)).toList());
    }

    private Table table(Tune t) {
        if (t.objective() == Tune.Objective.MAX_RATE) {
            return maxRateTable(t);
        }
        Table table = new Table("#", "run", "partitions", "batch-size", "linger", "prefetch", "concurrency", "msgs/s", "vs #1",
                "p99 (us)", "p99 ok", "change / note");
        double first = t.trials().get(0).result().msgsPerSec();
        for (Tune.Trial trial : t.trials()) {
            RunResult r = trial.result();
            Workload w = trial.workload();
            table.row(trial.index() + 1, trial.role().label(), w.partitions(), w.batchSize(), Durations.format(w.linger()),
                    w.prefetch(), w.concurrency(),
                    r.failed() ? "FAILED" : String.format(Locale.ROOT, "%,.0f", r.msgsPerSec()),
                    r.failed() ? "" : ratio(r.msgsPerSec(), first),
                    r.failed() ? "" : String.format(Locale.ROOT, "%,.1f", r.latency().p99()),
                    r.failed() ? "no" : t.p99Target() == null ? "-" : trial.meetsP99() ? "yes" : "no",
                    note(t, trial));
        }
        return table;
    }

    /** A trial's note in the sweep table: the change a search trial made, the search's best, the recommended run. */
    private static String note(Tune t, Tune.Trial trial) {
        Workload bestOfSearch = t.confirmation() == null ? null : t.confirmation().candidate();
        String note = trial.role() == Tune.Role.SEARCH ? trial.change() : "";
        if (trial.role() == Tune.Role.SEARCH && trial.workload().equals(bestOfSearch)) {
            note += " (search's best)";
        }
        if (t.recommendedIndex() != null && trial.index() == t.recommendedIndex()) {
            note = (note + " RECOMMENDED").strip();
        }
        return note;
    }

    /** The sweep under {@code --objective max-rate}: each trial's max rate, the p99 there, its steps and ceiling. */
    private Table maxRateTable(Tune t) {
        Table table = new Table("#", "run", "partitions", "batch-size", "linger", "prefetch", "concurrency", "max rate", "vs #1",
                "p99 there (us)", "steps", "ceiling", "change / note");
        double first = t.trials().get(0).score();
        for (Tune.Trial trial : t.trials()) {
            RunResult r = trial.result();
            Workload w = trial.workload();
            Tune.MaxRate m = trial.maxRate();
            table.row(trial.index() + 1, trial.role().label(), w.partitions(), w.batchSize(), Durations.format(w.linger()),
                    w.prefetch(), w.concurrency(),
                    r.failed() ? "FAILED" : String.format(Locale.ROOT, "%,d", m.rate()),
                    r.failed() ? "" : ratio(trial.score(), first),
                    m.met() ? String.format(Locale.ROOT, "%,.1f", r.latency().p99()) : "",
                    m.steps(), String.format(Locale.ROOT, "%,.0f", m.ceiling()), note(t, trial));
        }
        return table;
    }

    private boolean writeJson(Workload start, PrintWriter out) {
        if (options.json == null) {
            return true;
        }
        try {
            JsonReport.write(options.json, start, tune.results(), tune);
            out.println("results written to " + options.json);
            return true;
        } catch (IOException | RuntimeException e) {
            out.println("sluice-perf: cannot write --json " + options.json + ": " + e);
            return false;
        } finally {
            out.flush();
        }
    }

    private ParameterException error(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
