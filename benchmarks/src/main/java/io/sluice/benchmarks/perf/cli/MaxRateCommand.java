package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.measure.MaxRateSearch;
import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.report.JsonReport;
import io.sluice.benchmarks.perf.report.Table;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-perf max-rate}: for each target, the highest rate it sustains with p99 under {@code --p99} for a whole
 * measurement window, nothing lost, and every step it tried ({@link MaxRateSearch} says how it searches). With
 * {@code --json}, one file of every step's result and each search ({@link JsonReport#writeMaxRate}), whose report draws
 * the steps.
 */
@Command(name = "max-rate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Finds, for each target, the highest rate it sustains for a whole --window with p99 latency (from"
                + " intended send time) under --p99, no growing backlog and nothing lost; prints every step it tried;"
                + " --json writes them for the report's max-rate steps chart.")
final class MaxRateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--targets", paramLabel = "NAME", split = ",", defaultValue = "sluice-embedded",
            converter = Converters.TargetConverter.class,
            description = "Comma-separated targets, searched one after another (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(names = "--p99", paramLabel = "TIME", required = true, converter = Converters.DurationConverter.class,
            description = "The p99 latency a rate must keep under, e.g. 10ms.")
    Duration p99;

    @Option(names = "--window", paramLabel = "TIME", defaultValue = "10s", converter = Converters.DurationConverter.class,
            description = "How long each step is measured (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--settle", paramLabel = "TIME", defaultValue = "3s", converter = Converters.DurationConverter.class,
            description = "An unmeasured run at each step's rate before its window (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--precision", paramLabel = "PERCENT", defaultValue = "5",
            description = "Stop when the highest rate that met the target and the lowest that missed it twice are within"
                    + " this many percent (default: ${DEFAULT-VALUE}).")
    double precisionPercent;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "12",
            description = "The most steps per target, the unlimited-rate one included (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Mixin
    WorkloadOptions options;

    @Override
    public Integer call() throws IOException {
        options.requireStepped("max-rate", window, settle, "the search sets each step's rate and --window its length",
                "--rate", "--count", "--duration", "--profile");
        Workload workload = options.workload();
        try {
            MaxRateSearch.check(p99, precisionPercent / 100, maxSteps);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PerfRunner.Settings settings = options.settings();
        List<String> names = List.copyOf(new LinkedHashSet<>(targets));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "sluice-perf max-rate: %s, p99 under %s, each step measured for %s after %s at its rate%n",
                String.join(", ", names), Durations.format(p99), Durations.format(window), Durations.format(settle));
        options.printWorkload(out, workload);
        out.flush();
        PerfRunner runner = new PerfRunner(settings);
        List<MaxRateSearch> searches = new ArrayList<>();
        List<Workload> workloads = new ArrayList<>();
        for (String name : names) {
            Workload own = options.workloadFor(name, workload, out);
            workloads.add(own);
            Target target = options.target(name, own);
            MaxRateSearch search = new MaxRateSearch(own, window, p99, precisionPercent / 100, maxSteps);
            runner.runSteps(target, r -> {
                Workload next = search.next(r);
                List<MaxRateSearch.Step> steps = search.steps();
                if (r != null && !steps.isEmpty()) {
                    out.printf(Locale.ROOT, "[%s] step %d: %s%n", name, steps.size(), steps.get(steps.size() - 1).describe());
                    out.flush();
                }
                return next;
            }, settle);
            out.printf(Locale.ROOT, "[%s] stopped: %s%n", name, search.ended());
            searches.add(search);
        }
        out.println();
        Table table = new Table("target", "max rate (msgs/s)", "p99 there", "ceiling (unlimited, msgs/s)", "steps");
        boolean failed = false;
        for (int i = 0; i < names.size(); i++) {
            MaxRateSearch s = searches.get(i);
            MaxRateSearch.Step best = s.best();
            failed |= s.steps().isEmpty() || s.steps().get(0).result().failed();
            String acks = workloads.get(i).acks() == workload.acks() ? ""
                    : " (acks " + workloads.get(i).acks().name().toLowerCase(Locale.ROOT) + ")";
            table.row(names.get(i) + acks, best == null ? "none" : String.format(Locale.ROOT, "%,d", s.maxRate()),
                    best == null ? "" : String.format(Locale.ROOT, "%.2f ms", best.result().latency().p99() / 1e3),
                    String.format(Locale.ROOT, "%,.0f", s.ceiling()), s.steps().size());
        }
        out.print(table.render());
        out.flush();
        if (options.json() != null) {
            writeJson(workload, names, searches, workloads);
            out.println("results written to " + options.json());
        }
        return failed ? 1 : 0;
    }

    /**
     * The {@code --json} file: every step's result, in search order, and each search's steps pointing at them
     * ({@link JsonReport#writeMaxRate}); the workload as each step ran it but for the rate, with {@code --window} its length.
     */
    private void writeJson(Workload workload, List<String> names, List<MaxRateSearch> searches, List<Workload> workloads)
            throws IOException {
        List<RunResult> results = new ArrayList<>();
        List<JsonReport.MaxRateTarget> meta = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            MaxRateSearch s = searches.get(i);
            List<JsonReport.MaxRateStep> steps = new ArrayList<>();
            for (MaxRateSearch.Step step : s.steps()) {
                steps.add(new JsonReport.MaxRateStep(results.size(), step.rate(), step.meets(), step.why()));
                results.add(step.result());
            }
            Acks acks = workloads.get(i).acks();
            meta.add(new JsonReport.MaxRateTarget(names.get(i), s.maxRate(), s.ceiling(), s.ended(),
                    acks == workload.acks() ? null : acks.name().toLowerCase(Locale.ROOT), steps));
        }
        JsonReport.writeMaxRate(options.json(), workload.toBuilder().profile(null).count(0).duration(window).rate(0).build(),
                results, p99.toNanos() / 1e3, meta);
    }
}
