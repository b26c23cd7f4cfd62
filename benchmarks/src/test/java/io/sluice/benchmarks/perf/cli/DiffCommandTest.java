package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.measure.Latency;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.report.JsonReport;
import io.sluice.benchmarks.perf.report.ReportFixtures;
import io.sluice.benchmarks.perf.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffCommandTest {
    private static final Workload WORKLOAD = Workload.builder().recordSize(100).duration(Duration.ofSeconds(2))
            .partitions(4).build();
    /** Three rounds of two targets, throughput spread over ±5% as on a quiet machine. */
    private static final double[] ROUNDS = {100_000, 104_000, 96_000};

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private String errLine() {
        String e = err.toString();
        assertThat(e.strip().lines()).as("one line on stderr: %s", e).hasSize(1);
        return e.strip();
    }

    /** The table's rows under {@code target}'s line, stripped. */
    private List<String> section(String target) {
        List<String> lines = out.toString().lines().toList();
        int from = lines.indexOf(target);
        assertThat(from).as("a line %s in:%n%s", target, out).isNotNegative();
        return lines.subList(from + 1, lines.size()).stream().takeWhile(l -> l.startsWith("  ")).map(String::strip).toList();
    }

    /** The table's row of {@code metric} under {@code target}'s line, stripped. */
    private String row(String target, String metric) {
        return section(target).stream().filter(l -> l.startsWith(metric)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + metric + " under " + target + " in:\n" + out));
    }

    private static RunResult result(String target, Workload workload, double msgsPerSec, double p99, long lost) {
        return new RunResult(target, workload, 200_000, 200_000, 200_000 - lost, lost, 0, 0, Duration.ofSeconds(2),
                Duration.ofSeconds(2), msgsPerSec, msgsPerSec * workload.recordSize() / 1e6,
                new Latency(200_000, 500, 900, p99, p99 * 2, p99 * 3, 600), null, Map.of());
    }

    /** A file of {@link #ROUNDS} rounds of reactor-raw and sluice-embedded, each result passed through {@code change}. */
    private Path file(String name, Workload workload, double[] throughputs, UnaryOperator<RunResult> change) throws IOException {
        List<List<RunResult>> rounds = new ArrayList<>();
        for (double t : throughputs) {
            rounds.add(List.of(change.apply(result("reactor-raw", workload, t * 3, 1_500, 0)),
                    change.apply(result("sluice-embedded", workload, t, 2_000, 0))));
        }
        Path file = dir.resolve(name);
        JsonReport.writeRounds(file, workload, rounds);
        return file;
    }

    private Path file(String name, UnaryOperator<RunResult> change) throws IOException {
        return file(name, WORKLOAD, ROUNDS, change);
    }

    private static UnaryOperator<RunResult> throughputTimes(double factor) {
        return r -> result(r.target(), r.workload(), r.msgsPerSec() * factor, r.latency().p99(), r.lost());
    }

    @Test
    void anInjectedThirtyPercentThroughputDropOnEveryRoundIsARegression() throws IOException {
        Path old = file("old.json", r -> r);
        Path now = file("new.json", r -> r.target().equals("sluice-embedded") ? throughputTimes(0.7).apply(r) : r);

        assertThat(execute("diff", old.toString(), now.toString())).as(err.toString()).isEqualTo(1);

        assertThat(row("reactor-raw", "throughput (msgs/s)")).contains("+0.0%").endsWith("within threshold");
        assertThat(row("sluice-embedded", "throughput (msgs/s)")).contains("100,000 [96,000-104,000]")
                .contains("70,000 [67,200-72,800]").contains("-30.0%").endsWith("regression");
        assertThat(out.toString()).contains("2 regressions").contains("sluice-embedded throughput (msgs/s) -30.0%")
                .contains("sluice-embedded throughput (MB/s) -30.0%");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void theSameFileAgainstItselfIsQuiet() throws IOException {
        Path old = file("old.json", r -> r);

        assertThat(execute("diff", old.toString(), old.toString())).as(err.toString()).isZero();

        assertThat(out.toString().lines().filter(l -> l.endsWith("regression") || l.endsWith("improvement"))).isEmpty();
        assertThat(out.toString()).contains("no regression (thresholds: throughput 10%, latency 100%)");
        assertThat(row("reactor-raw", "latency p99 (us)")).contains("+0.0%").endsWith("within threshold");
    }

    @Test
    void mediansMovedBeyondTheThresholdWithOverlappingRoundsAreWithinNoise() throws IOException {
        Path old = file("old.json", WORKLOAD, new double[] {80_000, 100_000, 120_000}, r -> r);
        Path now = file("new.json", WORKLOAD, new double[] {60_000, 80_000, 90_000}, r -> r);

        assertThat(execute("diff", old.toString(), now.toString())).as(out.toString()).isZero();

        assertThat(out.toString().lines().filter(l -> l.contains("throughput (msgs/s)")))
                .allSatisfy(l -> assertThat(l).contains("-20.0%").endsWith("within noise"));
    }

    @Test
    void aSingleRoundHasNoKnownNoiseAndIsJudgedByTheThresholdAlone() throws IOException {
        Path old = file("old.json", WORKLOAD, new double[] {100_000}, r -> r);
        Path now = file("new.json", WORKLOAD, new double[] {85_000}, r -> r);

        assertThat(execute("diff", old.toString(), now.toString())).isEqualTo(1);

        assertThat(row("reactor-raw", "throughput (msgs/s)")).contains("-15.0%").endsWith("regression");
        assertThat(out.toString()).contains("noise is unknown").contains("thresholds alone");
        out.getBuffer().setLength(0);
        assertThat(execute("diff", "--threshold", "20%", old.toString(), now.toString())).isZero();
        assertThat(row("reactor-raw", "throughput (msgs/s)")).endsWith("within threshold");
    }

    /** {@code r} with the runner's {@code hiccups} detail, its worst stall {@code worstMs}. */
    private static RunResult stalled(RunResult r, double worstMs) {
        return r.withDetails(Map.of("hiccups", String.format(java.util.Locale.ROOT, "an idle thread woke >= 1 ms late 3 times"
                + " (9 ms in all), >= 10 ms late 0 times, at worst %.1f ms (GC pauses and machine stalls, whatever the target)",
                worstMs)));
    }

    @Test
    void latencyMoreThanDoubledOnEveryRoundAndBeyondTheMachinesStallsIsARegressionAndTheReverseAnImprovement()
            throws IOException {
        Path old = file("old.json", r -> stalled(r, 1.0));
        Path now = file("new.json", r -> stalled(result(r.target(), r.workload(), r.msgsPerSec(), r.latency().p99() * 2.5, 0), 1.2));

        assertThat(execute("diff", old.toString(), now.toString())).isEqualTo(1);
        assertThat(row("reactor-raw", "latency p99 (us)")).contains("1,500.0").contains("3,750.0").contains("+150.0%").endsWith("regression");
        assertThat(row("reactor-raw", "latency p50 (us)")).endsWith("within threshold");
        assertThat(row("reactor-raw", "worst machine stall (ms)")).matches("worst machine stall \\(ms\\) +1.0 \\[1.0-1.0\\] +1.2 \\[1.2-1.2\\] +- +-");

        out.getBuffer().setLength(0);
        assertThat(execute("diff", now.toString(), old.toString())).isZero();
        assertThat(row("reactor-raw", "latency p99 (us)")).contains("-60.0%").endsWith("improvement");
        assertThat(out.toString()).contains("no regression");

        out.getBuffer().setLength(0);
        assertThat(execute("diff", "--latency-threshold", "200%", old.toString(), now.toString())).isZero();
        assertThat(row("reactor-raw", "latency p99 (us)")).endsWith("within threshold");
    }

    @Test
    void aLatencyRiseSmallerThanTheMachinesWorstStallIsWithinNoise() throws IOException {
        Path old = file("old.json", r -> stalled(r, 3.0));
        Path now = file("new.json", r -> stalled(result(r.target(), r.workload(), r.msgsPerSec(), r.latency().p99() * 10, 0), 47.0));

        assertThat(execute("diff", old.toString(), now.toString())).as(out.toString()).isZero();

        assertThat(row("reactor-raw", "latency p99 (us)")).contains("+900.0%").endsWith("within noise");
        assertThat(row("sluice-embedded", "latency p99 (us)")).contains("2,000.0").contains("20,000.0").endsWith("within noise");
        assertThat(row("sluice-embedded", "worst machine stall (ms)")).contains("47.0");
    }

    @Test
    void lostRecordsInNewWhereOldHadNoneAreARegression() throws IOException {
        Path old = file("old.json", r -> r);
        Path now = file("new.json", r -> result(r.target(), r.workload(), r.msgsPerSec(), r.latency().p99(),
                r.target().equals("sluice-embedded") ? 1 : 0));

        assertThat(execute("diff", old.toString(), now.toString())).isEqualTo(1);

        assertThat(row("reactor-raw", "lost (all rounds)")).endsWith("same");
        assertThat(row("sluice-embedded", "lost (all rounds)")).matches("lost \\(all rounds\\) +0 +3 +- +regression");
        assertThat(out.toString()).contains("1 regression (").contains("sluice-embedded lost (all rounds)");
    }

    /** {@code r} as a round that fell behind its fixed rate: its percentiles are schedule lag. */
    private static RunResult fellBehind(RunResult r) {
        return new RunResult(r.target(), r.workload(), r.sent(), r.acked(), r.received(), r.lost(), r.duplicated(),
                r.reordered(), r.elapsed(), r.sendTime(), r.msgsPerSec(), r.mbPerSec(),
                new Latency(200_000, 900_000, 1_500_000, 1_900_000, 2_000_000, 2_000_000, 950_000), null, Map.of(),
                List.of(), "delivered 80% of the rate");
    }

    @Test
    void aTargetThatNoLongerKeepsItsRateIsARegressionAndItsLagIsNotComparedAsLatency() throws IOException {
        Workload fixed = WORKLOAD.toBuilder().rate(100_000).build();
        Path old = file("old.json", fixed, ROUNDS, r -> r);
        Path now = file("new.json", fixed, ROUNDS, r -> r.target().equals("sluice-embedded") ? fellBehind(r) : r);

        assertThat(execute("diff", old.toString(), now.toString())).isEqualTo(1);

        assertThat(row("sluice-embedded", "rate not kept (rounds)")).matches("rate not kept \\(rounds\\) +0 of 3 +3 of 3 +- +regression");
        assertThat(row("sluice-embedded", "latency p99 (us)"))
                .matches("latency p99 \\(us\\) +2,000.0 \\[2,000.0-2,000.0\\] +cannot sustain +- +-");
        assertThat(section("reactor-raw")).noneMatch(l -> l.startsWith("rate not kept")).hasSize(10);
        assertThat(out.toString()).contains("1 regression (");
    }

    @Test
    void oneRoundBehindTheRateIsWithinNoise() throws IOException {
        Workload fixed = WORKLOAD.toBuilder().rate(100_000).build();
        Path old = file("old.json", fixed, ROUNDS, r -> r);
        List<List<RunResult>> rounds = new ArrayList<>();
        for (int i = 0; i < ROUNDS.length; i++) {
            RunResult r = result("sluice-embedded", fixed, ROUNDS[i], 2_000, 0);
            rounds.add(List.of(i == 1 ? fellBehind(r) : r));
        }
        Path now = dir.resolve("new.json");
        JsonReport.writeRounds(now, fixed, rounds);

        assertThat(execute("diff", old.toString(), now.toString())).as(out.toString()).isZero();

        assertThat(row("sluice-embedded", "rate not kept (rounds)")).matches("rate not kept \\(rounds\\) +0 of 3 +1 of 3 +- +within noise");
        assertThat(row("sluice-embedded", "latency p99 (us)")).contains("2,000.0 [2,000.0-2,000.0]").endsWith("within threshold");
    }

    @Test
    void targetsInOneFileOnlyAreListedAsSuch() throws IOException {
        Path old = file("old.json", r -> r);
        List<List<RunResult>> rounds = new ArrayList<>();
        for (double t : ROUNDS) {
            rounds.add(List.of(result("sluice-embedded", WORKLOAD, t, 2_000, 0), result("sluice-tcp", WORKLOAD, t, 2_000, 0)));
        }
        Path now = dir.resolve("new.json");
        JsonReport.writeRounds(now, WORKLOAD, rounds);

        assertThat(execute("diff", old.toString(), now.toString())).isZero();

        assertThat(out.toString()).contains("only in " + old + " (not compared): reactor-raw")
                .contains("only in " + now + " (not compared): sluice-tcp");
        assertThat(out.toString().lines().map(String::strip).filter(l -> l.equals("reactor-raw") || l.equals("sluice-tcp")))
                .isEmpty();
        assertThat(row("sluice-embedded", "throughput (msgs/s)")).endsWith("within threshold");
    }

    @Test
    void differentWorkloadsAreRefusedNamingTheFields() throws IOException {
        Path old = file("old.json", r -> r);
        Workload other = WORKLOAD.toBuilder().rate(20_000).partitions(8).build();
        Path now = file("new.json", other, ROUNDS, r -> r);

        assertThat(execute("diff", old.toString(), now.toString())).isEqualTo(2);

        assertThat(errLine()).startsWith("sluice-perf diff: " + old + " and " + now + " ran different workloads, not comparable")
                .contains("rate (0 vs 20000)").contains("partitions (4 vs 8)").doesNotContain("record_size");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnreadableFileIsNamed() throws IOException {
        Path old = file("old.json", r -> r);
        Path missing = dir.resolve("missing.json");
        assertThat(execute("diff", old.toString(), missing.toString())).isEqualTo(2);
        assertThat(errLine()).isEqualTo("sluice-perf diff: " + missing + ": no such file");

        err.getBuffer().setLength(0);
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"workload\": {}, \"results\": [{\"target\": 3}]}");
        assertThat(execute("diff", broken.toString(), old.toString())).isEqualTo(2);
        assertThat(errLine()).startsWith("sluice-perf diff: " + broken + ": results[0]");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aTuneSweepAMaxRateSearchACurveOrFilesWithoutACommonTargetCannotBeCompared() throws IOException {
        Path old = file("old.json", r -> r);
        Path tune = dir.resolve("tune.json");
        Files.writeString(tune, ReportFixtures.tuneJson(4));
        assertThat(execute("diff", tune.toString(), old.toString())).isEqualTo(2);
        assertThat(errLine()).startsWith("sluice-perf diff: " + tune + ": is a tune sweep");

        err.getBuffer().setLength(0);
        Path maxRate = dir.resolve("max-rate.json");
        Files.writeString(maxRate, ReportFixtures.maxRateJson());
        assertThat(execute("diff", old.toString(), maxRate.toString())).isEqualTo(2);
        assertThat(errLine()).isEqualTo("sluice-perf diff: " + maxRate + ": is a max-rate search (its results are steps at"
                + " different rates, not rounds of one workload); diff compares the files of run and compare --json");

        err.getBuffer().setLength(0);
        Path curve = dir.resolve("curve.json");
        JsonReport.writeCurve(curve, WORKLOAD, List.of(result("kafka", WORKLOAD, 50_000, 2_000, 0)), 10_000,
                List.of(new JsonReport.CurvePoint(0, "kafka", 50, 50_000)));
        assertThat(execute("diff", curve.toString(), old.toString())).isEqualTo(2);
        assertThat(errLine()).startsWith("sluice-perf diff: " + curve + ": is a latency-throughput curve");

        err.getBuffer().setLength(0);
        List<List<RunResult>> rounds = List.of(List.of(result("kafka", WORKLOAD, 100_000, 2_000, 0)));
        Path kafka = dir.resolve("kafka.json");
        JsonReport.writeRounds(kafka, WORKLOAD, rounds);
        assertThat(execute("diff", old.toString(), kafka.toString())).isEqualTo(2);
        assertThat(errLine()).isEqualTo("sluice-perf diff: " + old + " and " + kafka + " have no target in common");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void thresholdsAreShownAsGiven() throws IOException {
        Path old = file("old.json", r -> r);
        assertThat(execute("diff", "--threshold", "2.5", "--latency-threshold", "50%", old.toString(), old.toString())).isZero();
        assertThat(out.toString()).contains("no regression (thresholds: throughput 2.5%, latency 50%)");
    }

    @Test
    void badThresholdsAreRefusedNamingTheOption() throws IOException {
        Path old = file("old.json", r -> r);
        assertThat(execute("diff", "--threshold", "ten", old.toString(), old.toString())).isEqualTo(2);
        assertThat(errLine()).contains("'--threshold'").contains("'ten'");

        err.getBuffer().setLength(0);
        assertThat(execute("diff", "--threshold", "100%", old.toString(), old.toString())).isEqualTo(2);
        assertThat(errLine()).contains("'--threshold'").contains("below 100%");

        err.getBuffer().setLength(0);
        assertThat(execute("diff", "--latency-threshold", "-5%", old.toString(), old.toString())).isEqualTo(2);
        assertThat(errLine()).contains("'--latency-threshold'").contains("above 0%");

        err.getBuffer().setLength(0);
        assertThat(execute("diff", old.toString())).isEqualTo(2);
        assertThat(errLine()).contains("NEW");
    }

    /** A file written before the workload had a field (here {@code profile}, null without one) compares with a newer one. */
    @Test
    void aBaselineWrittenBeforeAWorkloadFieldExistedStillCompares() throws Exception {
        String json = ReportFixtures.compareJson();
        assertThat(json).contains("\"profile\": null, ");
        Path old = java.nio.file.Files.writeString(dir.resolve("before-profiles.json"), json.replace("\"profile\": null, ", ""));
        Path now = java.nio.file.Files.writeString(dir.resolve("now.json"), json);
        assertThat(execute("diff", old.toString(), now.toString())).as(out + "\n" + err).isZero();
    }

    /**
     * Two real runs of one build: at a fixed rate the target keeps up, so throughput is the rate in every round, and
     * the latency percentiles (noisy: machine stalls) move less than the latency rule needs.
     */
    @Test
    void twoRunsOfTheSameBuildStayQuiet() {
        String[] run = {"run", "--target", "reactor-raw", "--rate", "20000", "--duration", "1s", "--warmup", "0",
                "--repeat", "3", "-q", "--json"};
        Path first = dir.resolve("first.json");
        Path second = dir.resolve("second.json");
        assertThat(execute(concat(run, first.toString()))).as(err.toString()).isZero();
        assertThat(execute(concat(run, second.toString()))).as(err.toString()).isZero();
        out.getBuffer().setLength(0);

        assertThat(execute("diff", first.toString(), second.toString())).as(out.toString()).isZero();

        assertThat(row("reactor-raw", "throughput (msgs/s)")).endsWith("within threshold");
        assertThat(row("reactor-raw", "worst machine stall (ms)")).as("the runner's hiccups detail is read")
                .matches("worst machine stall \\(ms\\) +[0-9.,]+ \\[[0-9.,]+-[0-9.,]+\\] +[0-9.,]+ \\[[0-9.,]+-[0-9.,]+\\] +- +-");
        assertThat(out.toString()).contains("no regression");
    }

    private static String[] concat(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
