package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class HtmlReportTest {
    private static final ResultsFile COMPARE = ResultsFile.parse("/tmp/r.json", ReportFixtures.compareJson());
    private static final ResultsFile TUNE = ResultsFile.parse("/tmp/t.json", ReportFixtures.tuneJson(6));

    private final String page = HtmlReport.html(List.of(COMPARE, TUNE));

    /** The {@code <svg>} element with this id, parsed as XML (which also proves it is well-formed). */
    private Element svg(String id) throws Exception {
        return svg(page, id);
    }

    /** The {@code <svg>} element with this id in {@code page}, parsed as XML. */
    private static Element svg(String page, String id) throws Exception {
        Matcher m = Pattern.compile("<svg class=\"chart\" id=\"" + id + "\".*?</svg>", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("svg #%s in the page", id).isTrue();
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))).getDocumentElement();
    }

    @Test
    void everyChartIsAnSvgWithASizeATitleAndMarks() throws Exception {
        for (String id : List.of("chart-throughput-1", "chart-latency-1", "chart-throughput-2", "chart-latency-2", "chart-tune-2")) {
            Element svg = svg(id);
            assertThat(svg.getAttribute("width")).as(id).isEqualTo("960");
            assertThat(Integer.parseInt(svg.getAttribute("height"))).as(id).isGreaterThanOrEqualTo(300);
            assertThat(svg.getAttribute("viewBox")).as(id).isEqualTo("0 0 960 " + svg.getAttribute("height"));
            assertThat(svg.getElementsByTagName("title").item(0).getTextContent()).as(id).isNotBlank();
            assertThat(svg.getTextContent()).as(id).isNotBlank();
        }
        assertThat(page).doesNotContain("id=\"chart-tune-1\"");
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<title>sluice-perf report: r.json, t.json</title>")
                .contains("<pre id=\"render-check\" hidden></pre>");
    }

    @Test
    void thePageLoadsNothingFromAnywhere() {
        assertThat(page).doesNotContainPattern("(?i)https?:").doesNotContainPattern("(?i)\\b(src|href)\\s*=")
                .doesNotContainPattern("(?i)url\\(").doesNotContain("@import").doesNotContain("//");
        assertThat(page.split("<script", -1)).as("one inline script, the render check").hasSize(2);
    }

    @Test
    void everyStringFromTheInputIsEscaped() {
        String hostile = ReportFixtures.compareJson().replace("\"reactor-raw\"", "\"<script>alert('x')</script>\"");
        String html = HtmlReport.html(List.of(ResultsFile.parse("a&b<c>.json", hostile)));
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<b>1,234</b>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("&lt;b&gt;1,234&lt;/b&gt; &amp; &quot;quoted&quot;")
                .contains("a&amp;b&lt;c&gt;.json");
        assertThat(HtmlText.esc("a\u0001b\nc\"d'e")).isEqualTo("a\uFFFDb\nc&quot;d&#39;e");
    }

    @Test
    void throughputOverTimeHasALinePerResultAndATimeAxis() throws Exception {
        Element svg = svg("chart-throughput-1");
        List<Element> series = byClass(svg, "path", "mark series");
        assertThat(series).hasSize(2);
        // raw: 3 seconds, 3 steps of 2 points; sluice-embedded: 5
        assertThat(series.get(0).getAttribute("d").split("L")).hasSize(3 * 2);
        assertThat(series.get(1).getAttribute("d").split("L")).hasSize(5 * 2);
        assertThat(series.get(0).getAttribute("stroke")).isNotEqualTo(series.get(1).getAttribute("stroke"));
        assertThat(texts(svg)).contains("Throughput over time", "0 s", "5 s", "time since the phase began (s)", "received (records/s)",
                "100k", "reactor-raw", "sluice-embedded");
    }

    @Test
    void throughputSpanningOverTenTimesIsOnALogScaleWithDecadeTicks() throws Exception {
        String json = ReportFixtures.compareJson().replace("[98000, 110000, 101000]", "[18000, 22000, 20000]")
                .replace("[50000, 70000, 68000, 72000, 40000]", "[2700000, 3300000, 3000000, 0, 3100000]");
        String html = HtmlReport.html(List.of(ResultsFile.parse("wide.json", json)));
        Element svg = svg(html, "chart-throughput-1");
        assertThat(texts(svg)).contains("received (records/s, log scale)", "10k", "100k", "1M", "10M").doesNotContain("0", "2M");
        // a decade is as tall as the next, and 18,000 to 22,000 is several pixels (under one on a linear scale to 3,300,000)
        assertThat(tickY(svg, "10k") - tickY(svg, "100k")).isCloseTo(tickY(svg, "1M") - tickY(svg, "10M"),
                org.assertj.core.data.Offset.offset(0.2));
        List<Element> points = byClass(svg, "circle", "mark point");
        assertThat(points).hasSize(8);
        double y18k = Double.parseDouble(points.get(0).getAttribute("cy"));
        double y22k = Double.parseDouble(points.get(1).getAttribute("cy"));
        assertThat(y18k - y22k).isGreaterThan(5);
        // the second with nothing received sits on the axis, not off the chart
        assertThat(Double.parseDouble(points.get(6).getAttribute("cy"))).isEqualTo(tickY(svg, "10k") - 4);
    }

    @Test
    void aMaxRateFileDrawsEachStepMetOrMissedAndTablesTheSearches() throws Exception {
        String html = HtmlReport.html(List.of(ResultsFile.parse("/tmp/m.json", ReportFixtures.maxRateJson())));
        Element svg = svg(html, "chart-max-rate-1");
        List<Element> dots = byClass(svg, "circle", "mark point");
        assertThat(dots).hasSize(8); // the fixed-rate steps
        assertThat(dots).filteredOn(d -> d.getAttribute("fill").equals("#fff")).hasSize(4) // two misses, twice each
                .allMatch(d -> !d.getAttribute("stroke").isEmpty());
        List<Element> ceilings = byClass(svg, "path", "mark point");
        assertThat(ceilings).hasSize(2);
        assertThat(byClass(svg, "path", "mark series")).hasSize(2);
        assertThat(texts(svg)).contains("Max-rate steps", "max 713,000/s", "max 10,000/s", "sluice-embedded", "kafka (acks none)",
                "meets the p99 target", "misses the p99 target", "unlimited step: ceiling", "rate (records/s, log scale)", "1k",
                "10M", "1", "5");
        // the ceiling's diamond is drawn at what the unlimited step delivered, above every fixed rate of its target
        double ceilingY = Double.parseDouble(ceilings.get(0).getAttribute("d").replaceAll("^M[\\d.]+,([\\d.]+)L.*", "$1")) + 6.5;
        assertThat(dots.subList(0, 4)).allMatch(d -> Double.parseDouble(d.getAttribute("cy")) > ceilingY);
        assertThat(html).contains("<h2>/tmp/m.json: max-rate search</h2>")
                .contains("<tr><td class=\"name\">kafka (acks none)</td><td>10,000</td><td>6 ms</td><td>40,000</td><td>5</td>"
                        + "<td class=\"name\">at 5 steps</td></tr>")
                .contains("<tr class=\"recommended\"><td class=\"name\">sluice-embedded</td><td>5</td><td>713,000</td>")
                .contains("<td class=\"name bad\">misses</td><td class=\"name\">p99 25.00 ms over 10.00 ms</td>")
                .contains("<td>unlimited</td><td>1,200,000</td>")
                .contains("kafka step 3");
    }

    @Test
    void latencyPercentilesRiseOnALogScale() throws Exception {
        Element svg = svg("chart-latency-1");
        assertThat(texts(svg)).contains("p50", "p90", "p99", "p99.9", "max", "1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms")
                .doesNotContain("1 s");
        List<Element> points = byClass(svg, "circle", "mark point");
        assertThat(points).hasSize(10);
        // sluice-embedded: 45 µs .. 52 ms, each percentile higher on the page (smaller y) than the one before
        double[] y = points.subList(5, 10).stream().mapToDouble(p -> Double.parseDouble(p.getAttribute("cy"))).toArray();
        for (int i = 1; i < y.length; i++) {
            assertThat(y[i]).isLessThan(y[i - 1]);
        }
        // log scale: 10 µs to 100 µs is as tall as 1 ms to 10 ms
        assertThat(tickY(svg, "100 µs") - tickY(svg, "10 µs")).isCloseTo(tickY(svg, "10 ms") - tickY(svg, "1 ms"),
                org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void theTuneSweepMarksTheRecommendedTrialAndWhichMetTheTarget() throws Exception {
        Element svg = svg("chart-tune-2");
        List<Element> bars = byClass(svg, "rect", "mark bar");
        assertThat(bars).hasSize(6);
        assertThat(bars).extracting(b -> b.getAttribute("fill")).containsExactly("#2e8b57", "#2e8b57", "#2e8b57", "#d9534f",
                "#d9534f", "#d9534f");
        assertThat(bars).extracting(b -> b.getAttribute("stroke")).containsExactly("", "", "#111", "", "", "");
        assertThat(texts(svg)).contains("Tune sweep of sluice-embedded", "throughput per trial; p99 target 600 µs", "★", "default",
                "failed", "#1", "#6", "meets the p99 target", "misses the p99 target");
        assertThat(Double.parseDouble(bars.get(3).getAttribute("height"))).isZero();
        assertThat(texts(svg("chart-latency-2"))).contains("p99 target 600 µs", "#3 (recommended)", "#1 (default)");
        assertThat(texts(svg("chart-latency-1"))).noneMatch(t -> t.startsWith("p99 target"));
        assertThat(Double.parseDouble(bars.get(5).getAttribute("height")))
                .isGreaterThan(Double.parseDouble(bars.get(0).getAttribute("height")));
        assertThat(page).contains("<strong>recommended #3</strong> (prefetch 256, concurrency 1, batch 65536 B, linger 0 ms,"
                + " 4 partitions), 1.36x the default's throughput");
    }

    @Test
    void theTablesCarryTheTallyDetailsAndErrors() {
        assertThat(page).contains("<td class=\"name\">reactor-raw</td><td>103,000</td><td>10.3</td><td>3.2 µs</td>")
                .contains("<td>300,001</td><td>0</td><td class=\"bad\">1</td><td>0</td>")
                .contains("<td>n/a</td>") // reactor-raw has no acks
                .contains("<dd><strong>gc</strong>: 3 collections, 12 ms in total during the phase (whole JVM)</dd>")
                .contains("<pre class=\"error\">FAILED: cut short: nothing received for 10s</pre>")
                .contains("<tr class=\"recommended\"><td>#3</td><td>256</td>")
                .contains("<code>record_size</code> 100 · <code>count</code> 300000");
    }

    @Test
    void aFileWithoutTimelinesSaysSoInsteadOfAnEmptyChart() throws Exception {
        String old = ReportFixtures.compareJson().replaceAll(", \"throughput_timeline\": \\[[0-9, ]*\\]", "");
        String html = HtmlReport.html(List.of(ResultsFile.parse("old.json", old)));
        assertThat(html).contains("No throughput timeline in this file").contains("id=\"chart-latency-1\"");
    }

    @Test
    void numbersReadWell() {
        assertThat(HtmlText.micros(0.85)).isEqualTo("850 ns");
        assertThat(HtmlText.micros(12.34)).isEqualTo("12.3 µs");
        assertThat(HtmlText.micros(4_560)).isEqualTo("4.56 ms");
        assertThat(HtmlText.micros(1_200_000)).isEqualTo("1.2 s");
        assertThat(HtmlText.micros(Double.NaN)).isEqualTo("n/a");
        assertThat(HtmlText.si(1_500_000)).isEqualTo("1.5M");
        assertThat(HtmlText.si(250_000)).isEqualTo("250k");
        assertThat(HtmlText.si(0.30000000000000004)).isEqualTo("0.3");
    }

    private static List<Element> byClass(Element root, String tag, String cls) {
        List<Element> found = new ArrayList<>();
        var nodes = root.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (e.getAttribute("class").equals(cls)) {
                found.add(e);
            }
        }
        return found;
    }

    private static List<String> texts(Element root) {
        List<String> texts = new ArrayList<>();
        var nodes = root.getElementsByTagName("text");
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    private static double tickY(Element svg, String label) {
        var nodes = svg.getElementsByTagName("text");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (e.getTextContent().equals(label)) {
                return Double.parseDouble(e.getAttribute("y"));
            }
        }
        throw new AssertionError("no tick " + label);
    }
}
