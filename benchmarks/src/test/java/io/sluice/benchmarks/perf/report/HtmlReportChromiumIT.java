package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.benchmarks.perf.cli.SluicePerf;
import io.sluice.testing.RequiresExecutable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens pages written by {@code sluice-perf report} in headless Chromium and checks, through the page's own render
 * check ({@code <pre id="render-check">}, filled on load), that every chart has a rendered size and that every mark
 * in it (lines, points, bars) was laid out with a non-zero box.
 */
@RequiresExecutable(name = "Chromium", path = HtmlReportChromiumIT.CHROMIUM,
        remedy = ".ci/run installs Debian's chromium; by hand: apt-get install -y chromium")
class HtmlReportChromiumIT {
    static final String CHROMIUM = "/usr/bin/chromium";
    private static final long TIMEOUT_SECONDS = 120;
    private static final Pattern CHECK = Pattern.compile("<pre id=\"render-check\"[^>]*>(.*?)</pre>", Pattern.DOTALL);
    private static final Pattern LINE = Pattern.compile("(\\S+) (\\d+)x(\\d+) marks (\\d+)/(\\d+) flattest line (-|[\\d.]+)");

    @TempDir
    Path dir;

    /**
     * One rendered chart: its size in CSS pixels, how many of its marks have a non-zero box, of how many, and the height
     * of its flattest line in pixels (NaN when it has none).
     */
    record Rendered(int width, int height, int drawn, int marks, double flattest) {
    }

    @Test
    void everyChartOfACompareAndATuneSweepRenders() throws Exception {
        Path compare = Files.writeString(dir.resolve("compare.json"), ReportFixtures.compareJson());
        Path tune = Files.writeString(dir.resolve("tune.json"), ReportFixtures.tuneJson(8));
        Path page = dir.resolve("report.html");
        report(compare.toString(), tune.toString(), "-o", page.toString());

        Map<String, Rendered> charts = render(page);

        assertThat(charts).containsOnlyKeys("chart-throughput-1", "chart-latency-timeline-1", "chart-latency-1", "chart-throughput-2",
                "chart-latency-timeline-2", "chart-latency-2", "chart-tune-2");
        charts.forEach(HtmlReportChromiumIT::assertDrawn);
        assertThat(charts.get("chart-throughput-1").marks()).isEqualTo(2 + 8); // two step lines, 3 + 5 points
        assertThat(charts.get("chart-latency-timeline-1").marks()).isEqualTo(2 + 8); // the same seconds' p99s
        assertThat(charts.get("chart-latency-1").marks()).isEqualTo(2 + 10);
        assertThat(charts.get("chart-tune-2").marks()).isEqualTo(8);
    }

    @Test
    void theChartsOfARealRunRender() throws Exception {
        Path json = dir.resolve("run.json");
        StringWriter out = new StringWriter();
        int code = SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(out, true), "compare", "--targets",
                "reactor-raw,sluice-embedded", "--count", "20000", "--warmup", "0", "-q", "--json", json.toString());
        assertThat(code).as(out.toString()).isZero();
        report(json.toString());

        Map<String, Rendered> charts = render(dir.resolve("run.html"));

        assertThat(charts).containsOnlyKeys("chart-throughput-1", "chart-latency-timeline-1", "chart-latency-1");
        charts.forEach(HtmlReportChromiumIT::assertDrawn);
        assertThat(charts.get("chart-latency-1").marks()).isEqualTo(2 + 10);
    }

    /** A curve file: three targets whose rates are two orders of magnitude apart, on log scales. */
    @Test
    void theLatencyThroughputCurveRenders() throws Exception {
        java.util.List<io.sluice.benchmarks.perf.measure.RunResult> results = new java.util.ArrayList<>();
        java.util.List<JsonReport.CurvePoint> points = new java.util.ArrayList<>();
        String[] targets = {"sluice-tcp", "kafka", "rabbitmq"};
        long[] max = {1_300_000, 900_000, 20_000};
        for (int t = 0; t < targets.length; t++) {
            for (int percent = 25; percent <= 100; percent += 25) {
                long rate = max[t] * percent / 100;
                double p99 = 200 * (t + 1) * Math.pow(2, percent / 25.0);
                points.add(new JsonReport.CurvePoint(results.size(), targets[t], percent, rate));
                results.add(new io.sluice.benchmarks.perf.measure.RunResult(targets[t], ReportFixtures.WORKLOAD, 1000, 1000, 1000, 0, 0, 0,
                        java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(10), rate, rate / 1e4,
                        new io.sluice.benchmarks.perf.measure.Latency(1000, p99 / 4, p99 / 2, p99, p99 * 2, p99 * 3, p99 / 3), null,
                        Map.of(), java.util.List.of(rate), null));
            }
        }
        Path curve = Files.writeString(dir.resolve("curve.json"), JsonReport.curveJson(ReportFixtures.WORKLOAD, results, 10_000, points));
        report(curve.toString());

        Map<String, Rendered> charts = render(dir.resolve("curve.html"));

        assertThat(charts).containsKey("chart-curve-1");
        assertDrawn("chart-curve-1", charts.get("chart-curve-1"));
        assertThat(charts.get("chart-curve-1").marks()).isEqualTo(3 + 12); // a line per target, four points each
    }

    /**
     * A max-rate file: a line per target through its steps, and a mark per step (filled, hollow or the ceiling's
     * diamond), each laid out with a size.
     */
    @Test
    void theMaxRateStepsRender() throws Exception {
        Path file = Files.writeString(dir.resolve("max-rate.json"), ReportFixtures.maxRateJson());
        report(file.toString());

        Map<String, Rendered> charts = render(dir.resolve("max-rate.html"));

        assertThat(charts).containsOnlyKeys("chart-throughput-1", "chart-latency-timeline-1", "chart-latency-1", "chart-max-rate-1");
        charts.forEach(HtmlReportChromiumIT::assertDrawn);
        Rendered steps = charts.get("chart-max-rate-1");
        assertThat(steps.marks()).isEqualTo(2 + 10); // a line per target, five steps each
        assertThat(steps.flattest()).as("each search's line goes up and down").isGreaterThan(10);
    }

    /**
     * A peer at 20,000 records/s beside Sluice at 3,000,000, each varying by a tenth from second to second: throughput
     * over time on a log scale, where both lines have a height (on a linear scale to 3,000,000 the peer's would be
     * under a pixel tall).
     */
    @Test
    void throughputTwoOrdersOfMagnitudeApartIsReadableOnALogScale() throws Exception {
        List<io.sluice.benchmarks.perf.measure.RunResult> results = new java.util.ArrayList<>();
        String[] targets = {"rabbitmq", "sluice-embedded"};
        long[] rates = {20_000, 3_000_000};
        for (int t = 0; t < targets.length; t++) {
            long rate = rates[t];
            results.add(new io.sluice.benchmarks.perf.measure.RunResult(targets[t], ReportFixtures.WORKLOAD, 1000, 1000, 1000, 0, 0, 0,
                    java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(3), rate, rate / 1e4,
                    new io.sluice.benchmarks.perf.measure.Latency(1000, 100, 200, 300, 400, 500, 150), null, Map.of(),
                    List.of(rate * 9 / 10, rate * 11 / 10, rate), null));
        }
        Path file = Files.writeString(dir.resolve("wide.json"), JsonReport.json(ReportFixtures.WORKLOAD, results));
        report(file.toString());
        assertThat(Files.readString(dir.resolve("wide.html"))).contains("received (records/s, log scale)");

        Map<String, Rendered> charts = render(dir.resolve("wide.html"));

        Rendered throughput = charts.get("chart-throughput-1");
        assertDrawn("chart-throughput-1", throughput);
        assertThat(throughput.marks()).isEqualTo(2 + 6); // a line per target, a point per second
        assertThat(throughput.flattest()).as("the height of the flatter line, in pixels").isGreaterThan(3);
    }

    private static void assertDrawn(String id, Rendered r) {
        assertThat(r.width()).as("%s width", id).isGreaterThan(0);
        assertThat(r.height()).as("%s height", id).isGreaterThan(0);
        assertThat(r.marks()).as("%s marks", id).isGreaterThan(0);
        assertThat(r.drawn()).as("%s marks drawn with a size", id).isEqualTo(r.marks());
    }

    private void report(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] command = new String[args.length + 1];
        command[0] = "report";
        System.arraycopy(args, 0, command, 1, args.length);
        assertThat(SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), command)).as(err.toString()).isZero();
    }

    /** Loads {@code page} in headless Chromium and reads the render check out of the DOM it dumps. */
    private Map<String, Rendered> render(Path page) throws IOException, InterruptedException {
        Path dom = dir.resolve("dom.html");
        Path log = dir.resolve("chromium.log");
        Process chromium = new ProcessBuilder(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("profile"), "--window-size=1200,900",
                "--virtual-time-budget=2000", "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
            fail("chromium did not finish within " + TIMEOUT_SECONDS + " s; its log:\n" + tail(log));
        }
        assertThat(chromium.exitValue()).as("chromium's exit code; its log:\n%s", tail(log)).isZero();
        String html = Files.readString(dom);
        Matcher check = CHECK.matcher(html);
        assertThat(check.find()).as("the render check in the DOM chromium dumped:\n%s", html).isTrue();
        Map<String, Rendered> charts = new LinkedHashMap<>();
        for (String line : check.group(1).strip().lines().toList()) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("render check line '%s'", line).isTrue();
            charts.put(m.group(1), new Rendered(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6).equals("-") ? Double.NaN : Double.parseDouble(m.group(6))));
        }
        return charts;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
