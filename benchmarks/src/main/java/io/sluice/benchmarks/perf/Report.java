package io.sluice.benchmarks.perf;

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
        ratioRow(t, results, "throughput (msgs/s)", RunResult::msgsPerSec, "%,.0f");
        ratioRow(t, results, "throughput (MB/s)", RunResult::mbPerSec, "%,.1f");
        ratioRow(t, results, "latency p50 (us)", r -> r.latency().p50(), "%,.1f");
        ratioRow(t, results, "latency p90 (us)", r -> r.latency().p90(), "%,.1f");
        ratioRow(t, results, "latency p99 (us)", r -> r.latency().p99(), "%,.1f");
        ratioRow(t, results, "latency p99.9 (us)", r -> r.latency().p999(), "%,.1f");
        ratioRow(t, results, "latency max (us)", r -> r.latency().max(), "%,.1f");
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
        sb.append(String.format(Locale.ROOT, "%s: sent %,d records of %d B%s, received %,d in %.2f s: %,.0f msgs/s (%,.1f MB/s);"
                        + " latency us p50 %,.1f, p90 %,.1f, p99 %,.1f, p99.9 %,.1f, max %,.1f; lost %,d, duplicated %,d, reordered %,d",
                r.target(), r.sent(), r.workload().recordSize(),
                r.acked() < 0 ? "" : String.format(Locale.ROOT, " (%,d acknowledged)", r.acked()),
                r.received(), r.elapsed().toNanos() / 1e9, r.msgsPerSec(), r.mbPerSec(),
                r.latency().p50(), r.latency().p90(), r.latency().p99(), r.latency().p999(), r.latency().max(),
                r.lost(), r.duplicated(), r.reordered()));
        r.details().forEach((k, v) -> sb.append(System.lineSeparator()).append("  ").append(k).append(": ").append(v));
        if (r.failed()) {
            sb.append(System.lineSeparator()).append("  FAILED: ").append(r.error().replace("\n", "\n    "));
        }
        return sb.toString();
    }

    private static void ratioRow(Table t, List<RunResult> results, String name, ToDoubleFunction<RunResult> metric, String format) {
        List<Object> cells = new ArrayList<>();
        cells.add(name);
        for (RunResult r : results) {
            cells.add(String.format(Locale.ROOT, format, metric.applyAsDouble(r)));
        }
        double first = metric.applyAsDouble(results.get(0));
        for (int i = 1; i < results.size(); i++) {
            double v = metric.applyAsDouble(results.get(i));
            cells.add(first == 0 ? "-" : String.format(Locale.ROOT, "%.3fx", v / first));
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
