package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code curve} end to end on in-process targets: the search, the points, the table, the JSON and its chart. */
class CurveCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void measuresEachTargetsPointsUpToItsMaxRateAndTheReportDrawsTheCurve(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("curve.json");
        int code = execute("curve", "--targets", "reactor-raw,sluice-embedded", "--p99", "500ms", "--window", "1s", "--settle", "0",
                "--max-steps", "3", "--points", "2", "--warmup", "0", "-q", "--json", json.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString())
                .containsPattern("\\[reactor-raw\\] (max rate|ceiling \\(nothing met the p99 target\\)) [\\d,]+ msgs/s after 3 steps")
                .containsPattern("\\[sluice-embedded\\] 100%: [\\d,]+ msgs/s: p50 [\\d.]+ ms, p99 [\\d.]+ ms")
                .containsPattern("50% +[\\d,]+ ")
                .contains("% of max");
        String written = Files.readString(json);
        assertThat(written).contains("\"curve\": {\"p99_target_us\": 500000.000, \"points\": [{\"result\": 0, \"target\": \"reactor-raw\","
                + " \"percent\": 50, \"rate\": ");

        assertThat(execute("report", json.toString())).as(err.toString()).isZero();
        String html = Files.readString(dir.resolve("curve.html"));
        String chart = html.substring(html.indexOf("id=\"chart-curve-1\""));
        chart = chart.substring(0, chart.indexOf("</svg>"));
        assertThat(chart).contains("Latency against throughput").contains("p99 target 500");
        assertThat(chart.split("class=\"mark series\"", -1)).hasSize(3); // a line per target
        assertThat(chart.split("class=\"mark point\"", -1)).hasSize(5); // two points each
    }

    @Test
    void theRatesAreTheCurvesToSet() {
        assertThat(execute("curve", "--targets", "reactor-raw", "--duration", "5s")).isEqualTo(2);
        assertThat(err.toString()).contains("--duration cannot be given to curve");
        StringWriter e = new StringWriter();
        assertThat(SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(e, true), "curve", "--points", "1")).isEqualTo(2);
        assertThat(e.toString()).contains("--points must be between 2 and 100, was 1");
    }
}
