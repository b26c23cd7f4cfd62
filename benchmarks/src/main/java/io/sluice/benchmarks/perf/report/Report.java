package io.sluice.benchmarks.perf.report;

import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Stats;
import io.sluice.benchmarks.perf.workload.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Turns {@link RunResult}s into the tables and summary lines {@code sluice-perf} prints. */
public final class Report {
    private Report() {
    }

    /**
     * Metrics as rows, one column per result, and for every result after the first a ratio column
     * ({@code value / first's value}) on the throughput and latency rows.
     */
    public static Table table(List<RunResult> results) {
        List<String> headers = new ArrayList<>();
        headers.add("metric");
        for (RunResult r : results) {
            headers.add(r.target());
        }
        for (int i = 1; i < results.size(); i++) {
            headers.add(results.get(i).target() + " / " + results.get(0).target());
        }
        Table t = new Table(headers.toArray(new String[0]));
        ratioRow(t, results, "throughput (msgs/s)", RunResult::msgsPerSec, "%,.0f", false);
        ratioRow(t, results, "throughput (MB/s)", RunResult::mbPerSec, "%,.1f", false);
        ratioRow(t, results, "latency p50 (us)", r -> r.latency().p50(), "%,.1f", true);
        ratioRow(t, results, "latency p90 (us)", r -> r.latency().p90(), "%,.1f", true);
        ratioRow(t, results, "latency p99 (us)", r -> r.latency().p99(), "%,.1f", true);
        ratioRow(t, results, "latency p99.9 (us)", r -> r.latency().p999(), "%,.1f", true);
        ratioRow(t, results, "latency max (us)", r -> r.latency().max(), "%,.1f", true);
        if (results.stream().anyMatch(r -> !r.sustained())) {
            row(t, results, "rate kept", r -> r.sustained() ? "yes" : "NO: cannot sustain");
        }
        row(t, results, "elapsed (s)", r -> String.format(Locale.ROOT, "%.2f", r.elapsed().toNanos() / 1e9));
        row(t, results, "sent", r -> count(r.sent()));
        row(t, results, "acked", r -> r.acked() < 0 ? "n/a" : count(r.acked()));
        row(t, results, "received", r -> count(r.received()));
        row(t, results, "lost", r -> count(r.lost()));
        row(t, results, "duplicated", r -> count(r.duplicated()));
        row(t, results, "reordered", r -> count(r.reordered()));
        row(t, results, "status", r -> r.failed() ? "FAILED (see below)" : "ok");
        return t;
    }

    /** One paragraph per result: what was done and measured, and the error of a failed run. */
    public static String summary(RunResult r) {
        StringBuilder sb = new StringBuilder();
        String latency = r.sustained()
                ? String.format(Locale.ROOT, "latency us p50 %,.1f, p90 %,.1f, p99 %,.1f, p99.9 %,.1f, max %,.1f",
                        r.latency().p50(), r.latency().p90(), r.latency().p99(), r.latency().p999(), r.latency().max())
                : r.cannotSustain() + ", so its percentiles are schedule lag, not latency (lag p50 "
                        + Durations.format(java.time.Duration.ofNanos((long) (r.latency().p50() * 1e3))) + ", p99 "
                        + Durations.format(java.time.Duration.ofNanos((long) (r.latency().p99() * 1e3))) + ")";
        sb.append(String.format(Locale.ROOT, "%s: sent %,d records of %d B%s, received %,d in %.2f s: %,.0f msgs/s (%,.1f MB/s);"
                        + " %s; lost %,d, duplicated %,d, reordered %,d",
                r.target(), r.sent(), r.workload().recordSize(),
                r.acked() < 0 ? "" : String.format(Locale.ROOT, " (%,d acknowledged)", r.acked()),
                r.received(), r.elapsed().toNanos() / 1e9, r.msgsPerSec(), r.mbPerSec(), latency,
                r.lost(), r.duplicated(), r.reordered()));
        r.details().forEach((k, v) -> sb.append(System.lineSeparator()).append("  ").append(k).append(": ").append(v));
        if (r.failed()) {
            sb.append(System.lineSeparator()).append("  FAILED: ").append(r.error().replace("\n", "\n    "));
        }
        return sb.toString();
    }

    /** A metric's row; a latency row says {@value #CANNOT_SUSTAIN} for a target that fell behind its fixed rate. */
    private static void ratioRow(Table t, List<RunResult> results, String name, ToDoubleFunction<RunResult> metric, String format,
                                 boolean latency) {
        List<Object> cells = new ArrayList<>();
        cells.add(name);
        for (RunResult r : results) {
            cells.add(latency && !r.sustained() ? CANNOT_SUSTAIN : String.format(Locale.ROOT, format, metric.applyAsDouble(r)));
        }
        RunResult base = results.get(0);
        double first = metric.applyAsDouble(base);
        for (int i = 1; i < results.size(); i++) {
            double v = metric.applyAsDouble(results.get(i));
            boolean lag = latency && (!base.sustained() || !results.get(i).sustained());
            cells.add(first == 0 || lag ? "-" : String.format(Locale.ROOT, "%.3fx", v / first));
        }
        t.row(cells.toArray());
    }

    /** What a latency cell says for a target that could not keep up with a fixed rate. */
    static final String CANNOT_SUSTAIN = "cannot sustain";

    /**
     * The table of repeated runs ({@code --repeat}): one column per target with its median and, in brackets, its
     * min–max over the rounds; then, for every target after the first, the median of its per-round ratios to the first
     * target. Latency rows count only the rounds in which the target kept up with the rate; when it never did, the
     * cell says {@value #CANNOT_SUSTAIN}. Lost, duplicated and reordered are totals over the rounds.
     *
     * @param rounds each round's results, in the same target order every round (not the order they ran in)
     */
    public static Table repeated(List<List<RunResult>> rounds) {
        List<RunResult> first = rounds.get(0);
        int n = first.size();
        List<String> headers = new ArrayList<>();
        headers.add("metric (median [min-max] of " + rounds.size() + " rounds)");
        for (RunResult r : first) {
            headers.add(r.target());
        }
        for (int i = 1; i < n; i++) {
            headers.add(first.get(i).target() + " / " + first.get(0).target());
        }
        Table t = new Table(headers.toArray(new String[0]));
        repeatedRow(t, rounds, "throughput (msgs/s)", RunResult::msgsPerSec, "%,.0f", false);
        repeatedRow(t, rounds, "throughput (MB/s)", RunResult::mbPerSec, "%,.1f", false);
        repeatedRow(t, rounds, "latency p50 (us)", r -> r.latency().p50(), "%,.1f", true);
        repeatedRow(t, rounds, "latency p90 (us)", r -> r.latency().p90(), "%,.1f", true);
        repeatedRow(t, rounds, "latency p99 (us)", r -> r.latency().p99(), "%,.1f", true);
        repeatedRow(t, rounds, "latency p99.9 (us)", r -> r.latency().p999(), "%,.1f", true);
        totalRow(t, rounds, "lost (all rounds)", RunResult::lost);
        totalRow(t, rounds, "duplicated (all rounds)", RunResult::duplicated);
        totalRow(t, rounds, "reordered (all rounds)", RunResult::reordered);
        List<Object> kept = new ArrayList<>();
        kept.add("rate kept (rounds)");
        List<Object> status = new ArrayList<>();
        status.add("status");
        for (int i = 0; i < n; i++) {
            int column = i;
            long sustained = rounds.stream().filter(round -> round.get(column).sustained()).count();
            long failed = rounds.stream().filter(round -> round.get(column).failed()).count();
            kept.add(sustained + " of " + rounds.size());
            status.add(failed == 0 ? "ok" : failed + " FAILED (see below)");
        }
        if (rounds.stream().flatMap(List::stream).anyMatch(r -> !r.sustained())) {
            t.row(kept.toArray());
        }
        t.row(status.toArray());
        return t;
    }

    private static void repeatedRow(Table t, List<List<RunResult>> rounds, String name, ToDoubleFunction<RunResult> metric,
                                    String format, boolean latency) {
        int n = rounds.get(0).size();
        List<Object> cells = new ArrayList<>();
        cells.add(name);
        for (int i = 0; i < n; i++) {
            List<Double> values = new ArrayList<>();
            for (List<RunResult> round : rounds) {
                RunResult r = round.get(i);
                if (!r.failed() && (!latency || r.sustained())) {
                    values.add(metric.applyAsDouble(r));
                }
            }
            cells.add(values.isEmpty() ? (latency ? CANNOT_SUSTAIN : "-") : Stats.spread(values, format));
        }
        for (int i = 1; i < n; i++) {
            List<Double> ratios = new ArrayList<>();
            for (List<RunResult> round : rounds) {
                RunResult base = round.get(0);
                RunResult r = round.get(i);
                double b = metric.applyAsDouble(base);
                if (b != 0 && !base.failed() && !r.failed() && (!latency || (base.sustained() && r.sustained()))) {
                    ratios.add(metric.applyAsDouble(r) / b);
                }
            }
            cells.add(ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3fx", Stats.median(ratios)));
        }
        t.row(cells.toArray());
    }

    private static void totalRow(Table t, List<List<RunResult>> rounds, String name, java.util.function.ToLongFunction<RunResult> metric) {
        List<Object> cells = new ArrayList<>();
        cells.add(name);
        for (int i = 0; i < rounds.get(0).size(); i++) {
            int column = i;
            cells.add(count(rounds.stream().mapToLong(round -> metric.applyAsLong(round.get(column))).sum()));
        }
        t.row(cells.toArray());
    }

    private static void row(Table t, List<RunResult> results, String name, java.util.function.Function<RunResult, String> cell) {
        List<Object> cells = new ArrayList<>();
        cells.add(name);
        for (RunResult r : results) {
            cells.add(cell.apply(r));
        }
        t.row(cells.toArray());
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
