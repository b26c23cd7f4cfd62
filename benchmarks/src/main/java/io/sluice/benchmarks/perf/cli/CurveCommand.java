package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.measure.MaxRateSearch;
import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.report.JsonReport;
import io.sluice.benchmarks.perf.report.Table;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
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
 * {@code sluice-perf curve}: the latency-throughput curve ("hockey stick") of each target. On one opening of each
 * target, {@code max-rate}'s search finds its max rate under {@code --p99} ({@link MaxRateSearch}), then fixed-rate
 * runs at 10%, 20%, ... 100% of it measure the latency percentiles there. All targets in one table and, with
 * {@code --json}, one file whose report draws the curve (p99 against rate, both on log scales). A target that meets
 * the p99 target at no rate is drawn against its unlimited-rate ceiling instead, and the table says so.
 */
@Command(name = "curve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Latency percentiles at fixed rates from 10%% to 100%% of each target's max rate under --p99 (found as"
                + " max-rate finds it), all targets in one table; --json writes them for the report's latency-throughput chart.")
final class CurveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--targets", paramLabel = "NAME", split = ",", defaultValue = "sluice-embedded",
            converter = Converters.TargetConverter.class,
            description = "Comma-separated targets, one after another (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(names = "--p99", paramLabel = "TIME", defaultValue = "10ms", converter = Converters.DurationConverter.class,
            description = "The p99 target of the max-rate search that sets each target's 100% (default: ${DEFAULT-VALUE}).")
    Duration p99;

    @Option(names = "--window", paramLabel = "TIME", defaultValue = "10s", converter = Converters.DurationConverter.class,
            description = "How long each step and each point is measured (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--settle", paramLabel = "TIME", defaultValue = "3s", converter = Converters.DurationConverter.class,
            description = "An unmeasured run at each step's and point's rate before it (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--points", paramLabel = "N", defaultValue = "10",
            description = "Points of the curve, evenly from 100/N% to 100% of the max rate (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "12",
            description = "The most steps of each target's max-rate search (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Mixin
    WorkloadOptions options;

    /** One measured point of one target's curve. */
    private record Point(String target, int percent, RunResult result) {
    }

    @Override
    public Integer call() throws IOException {
        options.requireStepped("curve", window, settle, "it runs each point at its own rate for --window",
                "--rate", "--count", "--duration", "--profile");
        if (points < 2 || points > 100) {
            throw new ParameterException(spec.commandLine(), "--points must be between 2 and 100, was " + points);
        }
        Workload workload = options.workload();
        try {
            MaxRateSearch.check(p99, 0.05, maxSteps);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<String> names = List.copyOf(new LinkedHashSet<>(targets));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "sluice-perf curve: %s, %d points up to each target's max rate under p99 %s, each measured for %s"
                + " after %s at its rate%n", String.join(", ", names), points, Durations.format(p99), Durations.format(window),
                Durations.format(settle));
        options.printWorkload(out, workload);
        out.flush();
        PerfRunner runner = new PerfRunner(options.settings());
        List<Point> curve = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (String name : names) {
            Workload own = options.workloadFor(name, workload, out);
            MaxRateSearch search = new MaxRateSearch(own, window, p99, 0.05, maxSteps);
            List<Integer> percents = new ArrayList<>();
            long[] reference = {0};
            runner.runSteps(options.target(name, own), r -> {
                if (search.ended() == null) {
                    Workload next = search.next(r);
                    if (next != null) {
                        return next;
                    }
                    reference[0] = search.maxRate() > 0 ? search.maxRate() : Math.round(search.ceiling());
                    String what = search.maxRate() > 0 ? "max rate" : "ceiling (nothing met the p99 target)";
                    out.printf(Locale.ROOT, "[%s] %s %,d msgs/s after %d steps; the curve's points follow%n", name, what,
                            reference[0], search.steps().size());
                    out.flush();
                    references.add(String.format(Locale.ROOT, "%s: 100%% = %,d msgs/s (%s)", name, reference[0], what));
                    if (reference[0] <= 0) {
                        return null;
                    }
                } else {
                    curve.add(new Point(name, percents.get(percents.size() - 1), r));
                    out.printf(Locale.ROOT, "[%s] %d%%: %,d msgs/s: p50 %.2f ms, p99 %.2f ms%s%n", name, percents.get(percents.size() - 1),
                            r.workload().rate(), r.latency().p50() / 1e3, r.latency().p99() / 1e3,
                            r.failed() ? " (failed: " + r.error() + ")" : r.sustained() ? "" : " (" + r.cannotSustain() + ")");
                    out.flush();
                    if (r.failed() || percents.size() == points) {
                        return null;
                    }
                }
                int percent = 100 * (percents.size() + 1) / points;
                percents.add(percent);
                return own.toBuilder().count(0).duration(window).rate(Math.max(1, reference[0] * percent / 100)).build();
            }, settle);
        }
        out.println();
        out.print(table(curve, names).render());
        references.forEach(r -> out.println("  " + r));
        out.flush();
        if (options.json() != null) {
            List<RunResult> results = new ArrayList<>();
            List<JsonReport.CurvePoint> meta = new ArrayList<>();
            for (Point p : curve) {
                meta.add(new JsonReport.CurvePoint(results.size(), p.target(), p.percent(), p.result().workload().rate()));
                results.add(p.result());
            }
            JsonReport.writeCurve(options.json(), workload, results, p99.toNanos() / 1e3, meta);
            out.println("results written to " + options.json());
        }
        return curve.isEmpty() || curve.stream().anyMatch(p -> p.result().failed()) ? 1 : 0;
    }

    /** A row per percent, a column of rate, p50 and p99 per target. */
    private static Table table(List<Point> curve, List<String> names) {
        List<String> headers = new ArrayList<>(List.of("% of max"));
        for (String n : names) {
            headers.add(n + " msgs/s");
            headers.add("p50 / p99 (ms)");
        }
        Table t = new Table(headers.toArray(String[]::new));
        List<Integer> percents = curve.stream().map(Point::percent).distinct().sorted().toList();
        for (int percent : percents) {
            List<Object> row = new ArrayList<>(List.of(percent + "%"));
            for (String n : names) {
                Point p = curve.stream().filter(c -> c.target().equals(n) && c.percent() == percent).findFirst().orElse(null);
                row.add(p == null ? "" : String.format(Locale.ROOT, "%,d", p.result().workload().rate()));
                row.add(p == null ? "" : !p.result().sustained() ? "cannot sustain"
                        : String.format(Locale.ROOT, "%.2f / %.2f", p.result().latency().p50() / 1e3, p.result().latency().p99() / 1e3));
            }
            t.row(row.toArray());
        }
        return t;
    }
}
