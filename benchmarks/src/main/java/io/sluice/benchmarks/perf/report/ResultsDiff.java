package io.sluice.benchmarks.perf.report;

import io.sluice.benchmarks.perf.measure.Stats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * What changed between two results files of the same workload ({@code sluice-perf diff OLD NEW}): per target found in
 * both and per metric, the old and new median with the rounds' [min-max], the change of the medians, and a verdict.
 *
 * <p><b>The noise rule.</b> A file's rounds ({@code --repeat N}) show how far the same build moves on this machine, so
 * a change counts only when <em>every</em> round of NEW is worse (or better) than <em>every</em> round of OLD by more
 * than the threshold: for throughput, NEW's best round below OLD's worst by more than {@code --threshold}; for a
 * latency percentile, NEW's lowest round above OLD's highest by more than {@code --latency-threshold}. That implies
 * both that the medians moved beyond the threshold and that the [min-max] ranges do not overlap, and it is stricter
 * than either: the machine moves unlimited-rate throughput by up to 2x between runs, and two runs that each happened
 * to meet a quiet (or a busy) stretch have narrow ranges at different heights. With a single round in either file the
 * range is that one value: its noise is unknown and the rule falls back to the threshold alone on the medians'
 * change. Improvements mirror regressions by the same factor (throughput up by more than 1/(1 - threshold), latency
 * down to less than 1/(1 + threshold)), so swapping the files swaps regressions and improvements.
 *
 * <p><b>Latency</b> is noisier than throughput: at a fixed rate below the target's ceiling, the tails (p99, p99.9)
 * are mostly the machine's stalls (the {@code hiccups} detail): seven runs of {@code reactor-raw} at 20,000/s with
 * {@code --repeat 3} on this 2-core machine gave p99 from 1.0 to 19 ms over 21 rounds, while p50 and p90 stayed within
 * 10%, and an eighth, while other work loaded the machine, gave p90 10-32 ms and p99 46-66 ms in all three rounds.
 * Hence its own threshold, 100% by default (every round's percentile doubled), applied by the same rule, and a floor:
 * the closest rounds must also differ by more than the longest stall the runner's idle-thread meter met in any round
 * of either file (the {@code hiccups} detail, shown as the "worst machine stall" row: 47-96 ms in that eighth run,
 * 2-15 ms in the others), because one stall can delay every record sent during it by up to its length, so a rise
 * smaller than that may be the machine's. Only rounds whose
 * target kept up with a fixed rate count ({@code cannot_sustain} rounds are schedule lag, not latency, as in the
 * report's tables). Throughput at a fixed rate is the rate itself as long as the target keeps up, which makes it the
 * steady metric to gate on; a target that no longer keeps up shows in it and in the "rate not kept" row.
 *
 * <p><b>Counts.</b> Lost, duplicated and reordered records, and failed rounds, are totals over the rounds: any in
 * NEW where OLD had none is a regression (none in NEW where OLD had some, an improvement); their sizes depend on
 * what went wrong and are not compared. They are broken guarantees, not noise. Rounds that fell behind a fixed rate
 * are noise-prone (a stall of the machine makes a round miss the rate now and then), so they follow the noise rule:
 * a regression only when every round of NEW fell behind and no round of OLD did. Metrics count only rounds that did
 * not fail.
 */
public final class ResultsDiff {
    /** Every metric's verdict, as the table prints it. */
    public enum Verdict {
        REGRESSION("regression"),
        IMPROVEMENT("improvement"),
        /**
         * The medians moved beyond the threshold, but some rounds of OLD and NEW are closer than that (or, for latency,
         * closer than the machine's worst stall).
         */
        WITHIN_NOISE("within noise"),
        /** The medians moved less than the threshold. */
        WITHIN_THRESHOLD("within threshold"),
        /** A count that is zero in both files, or non-zero in both (or the same number of rounds). */
        SAME("same"),
        /**
         * Not judged: a row shown for context (the machine's stalls), or nothing to compare (every round failed, or
         * never kept its rate, in one of the files).
         */
        NOT_JUDGED("-");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * The thresholds, as fractions (0.1 for 10%).
     *
     * @param throughput how far throughput may fall, below 1
     * @param latency    how far a latency percentile may rise
     */
    public record Thresholds(double throughput, double latency) {
        /** The defaults: 10% for throughput, 100% (doubled) for latency. */
        public static final Thresholds DEFAULTS = new Thresholds(0.10, 1.00);

        public Thresholds {
            if (!(throughput > 0 && throughput < 1)) {
                throw new IllegalArgumentException("the throughput threshold must be above 0% and below 100%, was "
                        + percent(throughput));
            }
            if (!(latency > 0) || Double.isInfinite(latency)) {
                throw new IllegalArgumentException("the latency threshold must be above 0%, was " + percent(latency));
            }
        }
    }

    /** One row of the diff: a metric of a target, and its verdict. */
    public record Row(String target, String metric, String old, String now, String change, Verdict verdict) {
    }

    private final String oldName;
    private final String newName;
    private final List<Row> rows;
    private final List<String> onlyInOld;
    private final List<String> onlyInNew;
    private final List<String> singleRound;
    private final Thresholds thresholds;

    private ResultsDiff(String oldName, String newName, List<Row> rows, List<String> onlyInOld, List<String> onlyInNew,
                        List<String> singleRound, Thresholds thresholds) {
        this.thresholds = thresholds;
        this.oldName = oldName;
        this.newName = newName;
        this.rows = List.copyOf(rows);
        this.onlyInOld = List.copyOf(onlyInOld);
        this.onlyInNew = List.copyOf(onlyInNew);
        this.singleRound = List.copyOf(singleRound);
    }

    /**
     * Why {@code file} cannot be diffed, or null when it can: a tune sweep's results are different configurations of
     * one target, a max-rate search's are steps at different rates; neither are rounds of one workload.
     */
    public static String notDiffable(ResultsFile file) {
        if (file.tune() != null) {
            return "is a tune sweep (its results are different configurations, not rounds of one workload); diff compares"
                    + " the files of run and compare --json";
        }
        if (file.curve() != null) {
            return "is a latency-throughput curve (its results are points at different rates, not rounds of one workload);"
                    + " diff compares the files of run and compare --json";
        }
        if (file.maxRate() != null) {
            return "is a max-rate search (its results are steps at different rates, not rounds of one workload); diff"
                    + " compares the files of run and compare --json";
        }
        return null;
    }

    /**
     * The workload fields whose values differ between the files, each as {@code name (OLD value vs NEW value)}. A field
     * only one file has counts as differing unless the other's is null: a file written before a field existed (say
     * {@code profile}, null without a {@code --profile}) ran what null means there. Empty when the workloads are the same.
     */
    public static List<String> workloadDifferences(ResultsFile old, ResultsFile now) {
        Set<String> fields = new LinkedHashSet<>(old.workload().keySet());
        fields.addAll(now.workload().keySet());
        List<String> differences = new ArrayList<>();
        for (String field : fields) {
            Object a = old.workload().get(field);
            Object b = now.workload().get(field);
            if (!Objects.equals(a, b)) { // an absent field reads as null, the value it had before it was written
                differences.add(field + " (" + value(old.workload(), field) + " vs " + value(now.workload(), field) + ")");
            }
        }
        return differences;
    }

    private static String value(Map<String, Object> workload, String field) {
        return workload.containsKey(field) ? String.valueOf(workload.get(field)) : "absent";
    }

    /**
     * Compares the targets both files have, in OLD's order. The workloads must be the same
     * ({@link #workloadDifferences}).
     *
     * @throws IllegalArgumentException when the workloads differ
     */
    public static ResultsDiff of(ResultsFile old, ResultsFile now, Thresholds thresholds) {
        List<String> differences = workloadDifferences(old, now);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("different workloads: " + String.join(", ", differences));
        }
        Map<String, List<ResultsFile.Result>> oldRounds = byTarget(old);
        Map<String, List<ResultsFile.Result>> newRounds = byTarget(now);
        List<Row> rows = new ArrayList<>();
        List<String> singleRound = new ArrayList<>();
        for (Map.Entry<String, List<ResultsFile.Result>> e : oldRounds.entrySet()) {
            List<ResultsFile.Result> n = newRounds.get(e.getKey());
            if (n == null) {
                continue;
            }
            if (e.getValue().size() == 1 || n.size() == 1) {
                singleRound.add(e.getKey());
            }
            rows.addAll(new TargetDiff(e.getKey(), e.getValue(), n, thresholds).rows());
        }
        List<String> onlyInOld = oldRounds.keySet().stream().filter(t -> !newRounds.containsKey(t)).toList();
        List<String> onlyInNew = newRounds.keySet().stream().filter(t -> !oldRounds.containsKey(t)).toList();
        return new ResultsDiff(old.name(), now.name(), rows, onlyInOld, onlyInNew, singleRound, thresholds);
    }

    /** Each target's results in file order: with {@code --repeat}, one per round. */
    private static Map<String, List<ResultsFile.Result>> byTarget(ResultsFile file) {
        Map<String, List<ResultsFile.Result>> byTarget = new LinkedHashMap<>();
        for (ResultsFile.Result r : file.results()) {
            byTarget.computeIfAbsent(r.target(), t -> new ArrayList<>()).add(r);
        }
        return byTarget;
    }

    /** Every row, target by target. */
    public List<Row> rows() {
        return rows;
    }

    /** True when any metric of any target regressed beyond its threshold. */
    public boolean regressed() {
        return rows.stream().anyMatch(r -> r.verdict() == Verdict.REGRESSION);
    }

    /** True when no target is in both files. */
    public boolean nothingInCommon() {
        return rows.isEmpty();
    }

    /**
     * The rows as a table: a line with each target's name, then its metrics (indented) with old, new, the change of
     * the medians and the verdict.
     */
    public Table table() {
        Table t = new Table("metric", "old: median [min-max]", "new: median [min-max]", "change", "verdict");
        String previous = null;
        for (Row r : rows) {
            if (!r.target().equals(previous)) {
                t.row(r.target());
                previous = r.target();
            }
            t.row("  " + r.metric(), r.old(), r.now(), r.change(), r.verdict());
        }
        return t;
    }

    /**
     * What the table does not show: targets in one file only, targets judged by the thresholds alone (one round), and
     * the regressions found (or that there were none), one line each.
     */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (!onlyInOld.isEmpty()) {
            notes.add("only in " + oldName + " (not compared): " + String.join(", ", onlyInOld));
        }
        if (!onlyInNew.isEmpty()) {
            notes.add("only in " + newName + " (not compared): " + String.join(", ", onlyInNew));
        }
        if (!singleRound.isEmpty()) {
            notes.add("one round in a file, so its noise is unknown and changes are judged by the thresholds alone"
                    + " (--repeat 3 or more shows the noise): " + String.join(", ", singleRound));
        }
        List<String> regressions = rows.stream().filter(r -> r.verdict() == Verdict.REGRESSION)
                .map(r -> r.target() + " " + r.metric() + (r.change().equals("-") ? "" : " " + r.change())).toList();
        String limits = "thresholds: throughput " + percent(thresholds.throughput()) + ", latency "
                + percent(thresholds.latency());
        notes.add(regressions.isEmpty() ? "no regression (" + limits + ")"
                : regressions.size() + (regressions.size() == 1 ? " regression" : " regressions") + " (" + limits + "): "
                + String.join("; ", regressions));
        return notes;
    }

    /** {@code 0.1} as {@code 10%}, {@code 0.025} as {@code 2.5%}. */
    static String percent(double fraction) {
        return BigDecimal.valueOf(fraction * 100).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
    }

    /** The rows of one target. */
    private static final class TargetDiff {
        private final String target;
        private final List<ResultsFile.Result> old;
        private final List<ResultsFile.Result> now;
        private final Thresholds thresholds;
        private final List<Row> rows = new ArrayList<>();

        TargetDiff(String target, List<ResultsFile.Result> old, List<ResultsFile.Result> now, Thresholds thresholds) {
            this.target = target;
            this.old = old;
            this.now = now;
            this.thresholds = thresholds;
        }

        List<Row> rows() {
            Predicate<ResultsFile.Result> ran = r -> !r.failed();
            Predicate<ResultsFile.Result> keptRate = r -> !r.failed() && r.sustained();
            List<Double> oldStalls = values(old, ResultsFile.Result::worstStallMs, r -> true);
            List<Double> newStalls = values(now, ResultsFile.Result::worstStallMs, r -> true);
            double stallUs = 1000 * Stream.of(oldStalls, newStalls).flatMap(List::stream).mapToDouble(Double::doubleValue)
                    .max().orElse(0);
            metric("throughput (msgs/s)", ResultsFile.Result::msgsPerSec, ran, "%,.0f", true, thresholds.throughput(), 0);
            metric("throughput (MB/s)", ResultsFile.Result::mbPerSec, ran, "%,.1f", true, thresholds.throughput(), 0);
            metric("latency p50 (us)", ResultsFile.Result::p50, keptRate, "%,.1f", false, thresholds.latency(), stallUs);
            metric("latency p90 (us)", ResultsFile.Result::p90, keptRate, "%,.1f", false, thresholds.latency(), stallUs);
            metric("latency p99 (us)", ResultsFile.Result::p99, keptRate, "%,.1f", false, thresholds.latency(), stallUs);
            metric("latency p99.9 (us)", ResultsFile.Result::p999, keptRate, "%,.1f", false, thresholds.latency(), stallUs);
            if (!oldStalls.isEmpty() || !newStalls.isEmpty()) {
                rows.add(new Row(target, "worst machine stall (ms)", oldStalls.isEmpty() ? "-" : Stats.spread(oldStalls, "%,.1f"),
                        newStalls.isEmpty() ? "-" : Stats.spread(newStalls, "%,.1f"), "-", Verdict.NOT_JUDGED));
            }
            count("lost (all rounds)", ResultsFile.Result::lost);
            count("duplicated (all rounds)", ResultsFile.Result::duplicated);
            count("reordered (all rounds)", ResultsFile.Result::reordered);
            rounds("failed (rounds)", ResultsFile.Result::failed);
            if (!old.stream().allMatch(ResultsFile.Result::sustained) || !now.stream().allMatch(ResultsFile.Result::sustained)) {
                rateNotKept();
            }
            return rows;
        }

        private void metric(String name, ToDoubleFunction<ResultsFile.Result> metric, Predicate<ResultsFile.Result> counts,
                            String format, boolean higherIsBetter, double threshold, double floor) {
            List<Double> a = values(old, metric, counts);
            List<Double> b = values(now, metric, counts);
            if (a.isEmpty() || b.isEmpty()) {
                rows.add(new Row(target, name, a.isEmpty() ? noValue(old) : Stats.spread(a, format),
                        b.isEmpty() ? noValue(now) : Stats.spread(b, format), "-", Verdict.NOT_JUDGED));
                return;
            }
            double medianOld = Stats.median(a);
            double medianNew = Stats.median(b);
            String change = medianOld == 0 ? "-" : String.format(Locale.ROOT, "%+,.1f%%", (medianNew / medianOld - 1) * 100);
            rows.add(new Row(target, name, Stats.spread(a, format), Stats.spread(b, format), change,
                    judge(a, b, higherIsBetter, threshold, floor)));
        }

        /** What a cell without values says: every round failed, or (latency) none kept the rate. */
        private static String noValue(List<ResultsFile.Result> rounds) {
            return rounds.stream().allMatch(ResultsFile.Result::failed) ? "all failed" : Report.CANNOT_SUSTAIN;
        }

        private static List<Double> values(List<ResultsFile.Result> rounds, ToDoubleFunction<ResultsFile.Result> metric,
                                           Predicate<ResultsFile.Result> counts) {
            return rounds.stream().filter(counts).mapToDouble(metric).filter(Double::isFinite).boxed().toList();
        }

        private void count(String name, ToLongFunction<ResultsFile.Result> count) {
            long a = old.stream().mapToLong(count).sum();
            long b = now.stream().mapToLong(count).sum();
            rows.add(new Row(target, name, String.format(Locale.ROOT, "%,d", a), String.format(Locale.ROOT, "%,d", b),
                    "-", appeared(a, b)));
        }

        private void rounds(String name, Predicate<ResultsFile.Result> which) {
            long a = old.stream().filter(which).count();
            long b = now.stream().filter(which).count();
            rows.add(new Row(target, name, a + " of " + old.size(), b + " of " + now.size(), "-", appeared(a, b)));
        }

        /**
         * Rounds that fell behind a fixed rate, under the noise rule: a regression only when every round of NEW fell
         * behind and no round of OLD did. A stall of the machine makes a round miss 97% of the rate now and then (one
         * of three rounds of a 1 s phase, in two runs of the same build), so some rounds in either file are noise.
         */
        private void rateNotKept() {
            long a = old.stream().filter(r -> !r.sustained()).count();
            long b = now.stream().filter(r -> !r.sustained()).count();
            Verdict verdict = a == b ? Verdict.SAME
                    : a == 0 && b == now.size() ? Verdict.REGRESSION
                    : b == 0 && a == old.size() ? Verdict.IMPROVEMENT
                    : Verdict.WITHIN_NOISE;
            rows.add(new Row(target, "rate not kept (rounds)", a + " of " + old.size(), b + " of " + now.size(), "-", verdict));
        }
    }

    /** A count's verdict: appearing is a regression, disappearing an improvement; sizes are not compared. */
    static Verdict appeared(long old, long now) {
        if (old == 0 && now > 0) {
            return Verdict.REGRESSION;
        }
        if (old > 0 && now == 0) {
            return Verdict.IMPROVEMENT;
        }
        return Verdict.SAME;
    }

    /**
     * The noise rule (see the class comment): significant only when the closest rounds of OLD and NEW differ by more
     * than the threshold and by more than {@code floor} (in the metric's unit); otherwise within noise when the
     * medians moved beyond the threshold, else within the threshold.
     */
    static Verdict judge(List<Double> old, List<Double> now, boolean higherIsBetter, double threshold, double floor) {
        double oldMin = Collections.min(old);
        double oldMax = Collections.max(old);
        double newMin = Collections.min(now);
        double newMax = Collections.max(now);
        // a worse value exceeds the factor; products, not quotients, so that a 0 needs no special case
        double worse = higherIsBetter ? 1 - threshold : 1 + threshold;
        boolean regression = higherIsBetter ? newMax < oldMin * worse && oldMin - newMax > floor
                : newMin > oldMax * worse && newMin - oldMax > floor;
        boolean improvement = higherIsBetter ? newMin * worse > oldMax && newMin - oldMax > floor
                : newMax * worse < oldMin && oldMin - newMax > floor;
        if (regression) {
            return Verdict.REGRESSION;
        }
        if (improvement) {
            return Verdict.IMPROVEMENT;
        }
        double medianOld = Stats.median(old);
        double medianNew = Stats.median(now);
        boolean mediansMoved = higherIsBetter
                ? medianNew < medianOld * worse || medianNew * worse > medianOld
                : medianNew > medianOld * worse || medianNew * worse < medianOld;
        return mediansMoved ? Verdict.WITHIN_NOISE : Verdict.WITHIN_THRESHOLD;
    }
}
