package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.report.ResultsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code max-rate} end to end on the in-process ceiling, its {@code --json} file, and its refusals. */
class MaxRateCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void printsEveryStepAndEachTargetsMaxRate() {
        int code = execute("max-rate", "--targets", "reactor-raw", "--p99", "500ms", "--window", "1s", "--settle", "200ms",
                "--max-steps", "4", "--warmup", "0", "-q");
        assertThat(code).as(err.toString()).isZero();
        String o = out.toString();
        assertThat(o).contains("sluice-perf max-rate: reactor-raw, p99 under 500ms, each step measured for 1s after 200ms at its rate")
                .containsPattern("\\[reactor-raw\\] step 1: unlimited rate \\(the ceiling\\): delivered [\\d,]+ msgs/s")
                .containsPattern("\\[reactor-raw\\] step 2: [\\d,]+ msgs/s: delivered [\\d,]+ msgs/s, p99 [\\d.]+ ms: (meets|misses)")
                .contains("[reactor-raw] stopped: ")
                .containsPattern("reactor-raw +([\\d,]+|none) ");
    }

    @Test
    void writesEveryStepAndEachSearchToTheJsonFileTheReportReads(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("max-rate.json");
        int code = execute("max-rate", "--targets", "reactor-raw", "--p99", "500ms", "--window", "1s", "--settle", "200ms",
                "--max-steps", "4", "--warmup", "0", "-q", "--json", json.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("results written to " + json);

        ResultsFile f = ResultsFile.read(json);

        assertThat(f.workload()).containsEntry("duration_ms", 1000L).containsEntry("rate", 0L).containsEntry("acks", "appended");
        ResultsFile.MaxRate m = f.maxRate();
        assertThat(m.p99TargetUs()).isEqualTo(500_000);
        assertThat(m.targets()).hasSize(1);
        ResultsFile.MaxRateTarget t = m.targets().get(0);
        assertThat(t.target()).isEqualTo("reactor-raw");
        assertThat(t.acks()).isNull();
        assertThat(t.ended()).isNotBlank();
        assertThat(out.toString()).contains("[reactor-raw] stopped: " + t.ended());
        assertThat(t.steps()).hasSizeBetween(2, 4);
        assertThat(f.results().size()).isEqualTo(t.steps().size());
        for (int i = 0; i < t.steps().size(); i++) {
            ResultsFile.MaxRateStep step = t.steps().get(i);
            assertThat(step.result()).isEqualTo(i);
            assertThat(step.meets()).isEqualTo(step.why() == null);
            assertThat(step.rate() == 0).as("only the first step is unlimited").isEqualTo(i == 0);
        }
        java.util.regex.Matcher ceiling = java.util.regex.Pattern.compile(
                "\\[reactor-raw\\] step 1: unlimited rate \\(the ceiling\\): delivered ([\\d,]+) msgs/s").matcher(out.toString());
        assertThat(ceiling.find()).as(out.toString()).isTrue();
        assertThat(t.ceiling()).isCloseTo(Double.parseDouble(ceiling.group(1).replace(",", "")), org.assertj.core.data.Offset.offset(1.0));
        assertThat(t.steps().get(1).rate()).isCloseTo(Math.round(t.ceiling() / 2), org.assertj.core.data.Offset.offset(1L));
        if (t.maxRate() > 0) {
            assertThat(t.best().rate()).isEqualTo(t.maxRate());
            assertThat(out.toString()).containsPattern("reactor-raw +" + String.format(java.util.Locale.ROOT, "%,d", t.maxRate()) + " ");
        } else {
            assertThat(t.steps()).noneMatch(s -> s.rate() > 0 && s.meets());
        }
    }

    @Test
    void theRateAndLengthAreTheSearchesAndAP99TargetIsRequired() {
        assertThat(execute("max-rate", "--targets", "reactor-raw", "--p99", "10ms", "--rate", "1000")).isEqualTo(2);
        assertThat(err.toString()).contains("--rate cannot be given to max-rate: the search sets each step's rate");
        StringWriter e = new StringWriter();
        assertThat(SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(e, true), "max-rate", "--targets", "reactor-raw"))
                .isEqualTo(2);
        assertThat(e.toString()).contains("Missing required option: '--p99=TIME'");
        StringWriter e2 = new StringWriter();
        assertThat(SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(e2, true), "max-rate", "--p99", "10ms",
                "--max-steps", "2")).isEqualTo(2);
        assertThat(e2.toString()).contains("--max-steps must be at least 3");
    }

    @Test
    void aTargetWithOnlyOneAcksLevelRunsAtItUnlessAnotherIsAskedFor() {
        int code = execute("max-rate", "--targets", "zeromq", "--p99", "500ms", "--window", "1s", "--settle", "0s",
                "--max-steps", "3", "--warmup", "0", "-q");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("[zeromq] runs at acks none, its only level (the others at appended, the default;"
                        + " an explicit --acks appended is refused for it)")
                .containsPattern("zeromq \\(acks none\\) +([\\d,]+|none) ");
        StringWriter e = new StringWriter();
        assertThat(SluicePerf.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(e, true), "max-rate",
                "--targets", "zeromq", "--p99", "10ms", "--acks", "appended")).isEqualTo(2);
        assertThat(e.toString()).contains("'--acks'").contains("must be none for the zeromq target");
    }
}
