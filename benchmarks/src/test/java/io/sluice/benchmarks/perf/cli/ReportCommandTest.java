package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.report.ReportFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
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

    @Test
    void aRealRunBecomesAPageNextToItsJson() throws Exception {
        Path json = dir.resolve("run.json");
        assertThat(execute("run", "--target", "reactor-raw", "--count", "20000", "--warmup", "0", "-q", "--json", json.toString()))
                .isZero();
        out.getBuffer().setLength(0);

        assertThat(execute("report", json.toString())).isZero();

        Path html = dir.resolve("run.html");
        assertThat(out.toString().strip()).isEqualTo("report written to " + html);
        assertThat(err.toString()).isEmpty();
        assertThat(Files.readString(html)).contains("id=\"chart-throughput-1\"").contains("id=\"chart-latency-1\"")
                .contains("<td class=\"name\">reactor-raw</td>").contains("class=\"mark series\"")
                .doesNotContain("No throughput timeline");
    }

    @Test
    void severalFilesMergeIntoOnePageWhereAsked() throws Exception {
        Path compare = Files.writeString(dir.resolve("compare.json"), ReportFixtures.compareJson());
        Path tune = Files.writeString(dir.resolve("tune.json"), ReportFixtures.tuneJson(4));
        Path html = dir.resolve("out/both.html");

        assertThat(execute("report", compare.toString(), tune.toString(), "-o", html.toString())).isZero();

        assertThat(Files.readString(html)).contains("id=\"chart-latency-1\"").contains("id=\"chart-tune-2\"")
                .contains("<title>sluice-perf report: compare.json, tune.json</title>");
        assertThat(dir.resolve("compare.html")).doesNotExist();
    }

    @Test
    void aMissingFileIsBadInputNamingIt() {
        Path missing = dir.resolve("nope.json");
        assertThat(execute("report", missing.toString())).isEqualTo(2);
        assertThat(errLine()).isEqualTo("sluice-perf report: " + missing + ": no such file");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void malformedJsonIsBadInputNamingTheFileAndThePosition() throws Exception {
        Path good = Files.writeString(dir.resolve("good.json"), ReportFixtures.compareJson());
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"workload\": {},\n \"results\": [}\n");
        assertThat(execute("report", good.toString(), bad.toString())).isEqualTo(2);
        assertThat(errLine()).isEqualTo("sluice-perf report: " + bad + ": invalid JSON at line 2, column 14: expected a value,"
                + " found '}'");
        assertThat(dir.resolve("good.html")).doesNotExist();
    }

    @Test
    void aJsonFileOfAnotherShapeIsBadInputNamingTheField() throws Exception {
        Path other = Files.writeString(dir.resolve("package.json"), "{\"name\": \"x\", \"version\": \"1.0.0\"}");
        assertThat(execute("report", other.toString())).isEqualTo(2);
        assertThat(errLine()).isEqualTo("sluice-perf report: " + other + ": the top level: missing \"workload\"");
    }

    @Test
    void anUnwritableOutputFailsWithOneLine() throws Exception {
        Path json = Files.writeString(dir.resolve("r.json"), ReportFixtures.compareJson());
        Path blocker = Files.writeString(dir.resolve("file"), "not a directory");
        assertThat(execute("report", json.toString(), "-o", blocker.resolve("r.html").toString())).isEqualTo(1);
        assertThat(errLine()).startsWith("sluice-perf report: " + blocker.resolve("r.html") + ": cannot write the report:");
    }

    @Test
    void noFileIsAUsageError() {
        assertThat(execute("report")).isEqualTo(2);
        assertThat(errLine()).contains("sluice-perf report:").contains("FILE");
    }

    @Test
    void theOutputDefaultsToTheFirstInputWithHtml() {
        assertThat(ReportCommand.defaultOutput(Path.of("a/b/out.json"))).isEqualTo(Path.of("a/b/out.html"));
        assertThat(ReportCommand.defaultOutput(Path.of("OUT.JSON"))).isEqualTo(Path.of("OUT.html"));
        assertThat(ReportCommand.defaultOutput(Path.of("results"))).isEqualTo(Path.of("results.html"));
    }

    @Test
    void helpListsTheReportCommand() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("report").contains("HTML");
    }
}
