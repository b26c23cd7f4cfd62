package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.tune.Tune;
import io.sluice.benchmarks.perf.tune.Tuner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice-perf tune}: its options, and short real tunes with tiny trials. */
class TuneCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cl = SluicePerf.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));

    private int execute(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return cl.execute(args);
    }

    private String errLine() {
        String e = err.toString();
        assertThat(e.strip().lines()).as("one line on stderr: %s", e).hasSize(1);
        return e.strip();
    }

    private Tune lastTune() {
        return ((TuneCommand) cl.getSubcommands().get("tune").getCommand()).tune;
    }

    @Test
    void badP99TargetIsRejectedNamingTheOption() {
        assertThat(execute("tune", "--p99-target", "fast")).isEqualTo(2);
        assertThat(errLine()).contains("'--p99-target'").contains("fast");
        assertThat(execute("tune", "--p99-target", "0", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("'--p99-target'").contains("must be positive");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badMaxTrialsIsRejectedNamingTheOption() {
        assertThat(execute("tune", "--max-trials", "0", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("'--max-trials'").contains("was 0");
        assertThat(execute("tune", "--max-trials", "lots")).isEqualTo(2);
        assertThat(errLine()).contains("'--max-trials'").contains("lots");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void trialLengthOptionsAreCheckedToo() {
        assertThat(execute("tune", "--duration", "5s")).isEqualTo(2);
        assertThat(errLine()).contains("--duration").contains("--trial-duration");
        assertThat(execute("tune", "--count", "10", "--trial-duration", "1s")).isEqualTo(2);
        assertThat(errLine()).contains("--count").contains("--trial-duration").contains("mutually exclusive");
        assertThat(execute("tune", "--trial-duration", "0")).isEqualTo(2);
        assertThat(errLine()).contains("'--trial-duration'");
        assertThat(execute("tune", "--target", "rabbitmq", "--concurrency", "4")).isEqualTo(2);
        assertThat(errLine()).as("the default configuration must be one the target runs").contains("'--concurrency'");
    }

    @Test
    void theObjectiveIsCheckedAndMaxRateNeedsAP99Target() {
        assertThat(execute("tune", "--objective", "fastest")).isEqualTo(2);
        assertThat(errLine()).contains("'--objective'").contains("fastest").contains("throughput, max-rate");
        assertThat(execute("tune", "--objective", "max-rate")).isEqualTo(2);
        assertThat(errLine()).contains("--objective max-rate needs --p99-target");
        assertThat(execute("tune", "--objective", "max-rate", "--p99-target", "10ms", "--count", "1000")).isEqualTo(2);
        assertThat(errLine()).contains("--count cannot be given to tune --objective max-rate");
        assertThat(execute("tune", "--objective", "max-rate", "--p99-target", "10ms", "--rate", "1000")).isEqualTo(2);
        assertThat(errLine()).contains("--rate cannot be given");
        assertThat(execute("tune", "--objective", "max-rate", "--p99-target", "10ms", "--max-steps", "2")).isEqualTo(2);
        assertThat(errLine()).contains("--max-steps must be at least 3").contains("was 2");
        assertThat(execute("tune", "--settle", "2s", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("--settle applies to --objective max-rate only");
        assertThat(execute("tune", "--max-steps", "5", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("--max-steps applies to --objective max-rate only");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aTinyMaxRateTunePrintsEachTrialsMaxRateAndSteps(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("tune.json");
        int code = execute("tune", "--target", "reactor-raw", "--objective", "max-rate", "--p99-target", "500ms",
                "--trial-duration", "500ms", "--max-trials", "2", "--max-steps", "3", "--settle", "0", "--warmup", "0", "-q", "--json", json.toString());

        String printed = out.toString();
        assertThat(code).as(printed + err).isZero();
        Tune tune = lastTune();
        assertThat(tune.objective()).isEqualTo(Tune.Objective.MAX_RATE);
        assertThat(tune.searchTrials()).isEqualTo(2);
        assertThat(printed).contains("objective max-rate: each trial is a max-rate search (steps of 500ms, without a settle, bounds"
                        + " within 10%, at most 3 steps after 0 warm-up) and scores the highest rate with p99 under 500ms")
                .contains("trial  2  --partitions 4 -> 2")
                .containsPattern("(?m)^#\\s+run\\s+partitions\\s+batch-size\\s+linger\\s+prefetch\\s+concurrency\\s+max rate\\s+vs #1"
                        + "\\s+p99 there \\(us\\)\\s+steps\\s+ceiling")
                .contains("RECOMMENDED")
                .containsPattern("(?m)^recommendation: (keep the default: )?--partitions \\d+ ");
        String written = Files.readString(json);
        assertThat(written).contains("\"tune\": {\"target\": \"reactor-raw\", \"objective\": \"max-rate\", \"p99_target_us\": 500000.000,");
        for (Tune.Trial t : tune.trials()) {
            Tune.MaxRate m = t.maxRate();
            assertThat(m).as("trial %d", t.index() + 1).isNotNull();
            assertThat(m.steps()).as("trial %d: the ceiling, half of it, then the step limit", t.index() + 1).isEqualTo(3);
            assertThat(m.ceiling()).as("trial %d", t.index() + 1).isPositive();
            String line = printed.lines().filter(l -> l.startsWith(String.format(Locale.ROOT, "trial %2d  ", t.index() + 1)))
                    .findFirst().orElseThrow();
            assertThat(line).as("trial %d", t.index() + 1).containsPattern(m.met()
                    ? Pattern.quote(String.format(Locale.ROOT, ": max rate %,d msgs/s (p99 ", m.rate())) + "[\\d,.]+"
                            + Pattern.quote(" us there), 3 steps, ceiling ")
                    : Pattern.quote(": max rate 0: no rate met the p99 target (3 steps, "));
            assertThat(written).contains("\"meets_p99\": " + t.meetsP99() + ", \"max_rate\": " + m.rate() + ", \"max_rate_steps\": "
                    + m.steps() + "}");
        }
    }

    @Test
    void helpListsTune() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("tune");
    }

    @Test
    void aTinyTuneOfReactorRawPrintsTheSweepAndARecommendationNoWorseThanTheDefault(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("tune.json");
        int code = execute("tune", "--target", "reactor-raw", "--count", "20000", "--warmup", "0", "-q", "--json", json.toString());

        String printed = out.toString();
        assertThat(code).as(printed + err).isZero();
        assertThat(printed).contains("trial  1  default").contains("pass 1:")
                .contains("skip      --concurrency 2 skipped (reactor-raw rejects it")
                .containsPattern("(?m)^#\\s+run\\s+partitions\\s+batch-size\\s+linger\\s+prefetch\\s+concurrency\\s+msgs/s")
                .contains("RECOMMENDED")
                .containsPattern("(?m)^recommendation: (keep the default: )?--partitions \\d+ --batch-size \\d+ --linger \\S+"
                        + " --prefetch \\d+ --concurrency 1$")
                .contains("results written to " + json);

        Tune tune = lastTune();
        assertThat(tune.recommendedIndex()).isNotNull();
        assertThat(tune.searchTrials()).isLessThanOrEqualTo(Tuner.DEFAULT_MAX_TRIALS);
        assertThat(tune.trials()).allMatch(t -> t.workload().concurrency() == 1);
        // the construction that makes "recommended >= default" hold: a different configuration only after it won
        // the confirmation on medians; otherwise the default itself
        switch (tune.outcome()) {
            case CONFIRMED -> {
                assertThat(tune.confirmation().best().msgsPerSec()).isGreaterThan(tune.confirmation().defaults().msgsPerSec());
                assertThat(printed).contains("recommended ").contains("vs the default's");
            }
            case NOT_CONFIRMED, KEPT_DEFAULT -> {
                assertThat(tune.recommended()).isEqualTo(tune.defaultWorkload());
                assertThat(tune.recommendedIndex()).isEqualTo(tune.defaultIndex());
                assertThat(printed).contains("recommendation: keep the default");
            }
            default -> throw new AssertionError("unexpected outcome " + tune.outcome());
        }

        String written = Files.readString(json);
        assertThat(written).startsWith("{\n  \"workload\": {\"record_size\": 100, \"count\": 20000,")
                .contains("\n  \"tune\": {\"target\": \"reactor-raw\", \"objective\": \"throughput\", \"p99_target_us\": null,"
                        + " \"default\": " + tune.defaultIndex()
                        + ", \"recommended\": " + tune.recommendedIndex() + ", \"trials\": [\n")
                .endsWith("\n  ]}\n}\n");
        assertThat(count(written, "\"throughput_msgs\"")).isEqualTo(tune.trials().size());
        assertThat(count(written, "\"meets_p99\": true")).isEqualTo(tune.trials().size());
    }

    @Test
    void aTinyTuneOfSluiceEmbeddedWithAP99Target() {
        int code = execute("tune", "--target", "sluice-embedded", "--count", "5000", "--warmup", "0", "-q", "--max-trials", "3",
                "--p99-target", "30s");
        String printed = out.toString();
        assertThat(code).as(printed + err).isZero();
        assertThat(printed).contains("trial  2  --partitions 4 -> 2").contains("trial  3  --partitions 4 -> 8")
                .contains("meets p99 target").contains("the search stopped at --max-trials 3").contains("recommendation: ");
        Tune tune = lastTune();
        assertThat(tune.searchTrials()).isEqualTo(3);
        assertThat(tune.nothingMeets()).isFalse();
        assertThat(tune.trials()).allMatch(Tune.Trial::meetsP99);
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
