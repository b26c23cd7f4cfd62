package io.sluice.benchmarks.perf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML page of {@code sluice-perf report}: one self-contained file (inline CSS, charts as inline SVG drawn here,
 * nothing loaded from anywhere else) that a browser opens from disk or a CI artefact.
 *
 * <p>For each results file: the workload, then the charts (throughput over time, one line per result; latency
 * percentiles per result on a log scale; the tune sweep when the file has one), a summary table and each result's
 * details and error. Every chart is an {@code <svg class="chart">} with an id ({@code chart-throughput-1},
 * {@code chart-latency-1}, {@code chart-tune-1}, numbered by file) and an explicit size. A small inline script
 * measures the charts once the page has loaded and writes what it saw into {@code <pre id="render-check">}
 * (hidden), so that a headless browser's DOM dump shows whether they rendered. Every string from the input is
 * escaped.
 */
public final class HtmlReport {
    static final String TITLE = "sluice-perf report";
    /** Series colours (colour-blind-friendly first). */
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf"};
    private static final String MEETS = "#2e8b57";
    private static final String MISSES = "#d9534f";
    private static final String[] PERCENTILES = {"p50", "p90", "p99", "p99.9", "max"};

    // the geometry of every chart: the plot area, and the legend on its right
    private static final int WIDTH = 960;
    private static final int HEIGHT = 360;
    private static final int LEFT = 80;
    private static final int RIGHT = WIDTH - 220;
    private static final int TOP = 44;
    private static final int LEGEND_ROW = 18;

    private static final String CSS = """
            body { font: 14px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0 auto;
                   max-width: 1180px; padding: 16px 20px 40px; }
            h1 { font-size: 22px; margin: 8px 0 4px; }
            h2 { font-size: 18px; margin: 28px 0 4px; padding-top: 12px; border-top: 2px solid #ddd; }
            h3 { font-size: 15px; margin: 18px 0 6px; }
            .meta, .workload { color: #555; margin: 2px 0; }
            .workload code { color: #222; }
            svg.chart { display: block; max-width: 100%; height: auto; margin: 14px 0; background: #fff;
                        border: 1px solid #e4e4e4; border-radius: 4px; }
            svg.chart text { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 12px; fill: #333; }
            svg.chart .title { font-size: 15px; font-weight: bold; fill: #222; }
            svg.chart .axis-title { font-size: 12px; fill: #555; }
            svg.chart .grid { stroke: #e8e8e8; stroke-width: 1; }
            svg.chart .axis { stroke: #888; stroke-width: 1; }
            svg.chart .note { font-size: 13px; fill: #777; }
            svg.chart .halo { font-weight: bold; fill: #111; stroke: #fff; stroke-width: 4px; paint-order: stroke; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0; }
            th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; white-space: nowrap; }
            th { background: #f4f4f4; }
            td.name, th.name { text-align: left; }
            td.bad { color: #b00020; font-weight: bold; }
            tr.recommended td { background: #eaf6ee; }
            dl { margin: 4px 0 10px 0; font-size: 13px; }
            dt { font-weight: bold; margin-top: 4px; }
            dd { margin-left: 18px; }
            pre.error { background: #fff3f3; border: 1px solid #f0c0c0; padding: 8px; font-size: 12px; overflow-x: auto;
                        white-space: pre-wrap; }
            """;

    /** Measures each chart after load, for headless checks; reads only this page's DOM. */
    private static final String RENDER_CHECK = """
            window.addEventListener('load', function () {
              var lines = [];
              document.querySelectorAll('svg.chart').forEach(function (svg) {
                var box = svg.getBoundingClientRect();
                var marks = svg.querySelectorAll('.mark');
                var drawn = 0;
                marks.forEach(function (m) {
                  var b = m.getBBox();
                  if (b.width > 0 || b.height > 0) { drawn++; }
                });
                lines.push(svg.id + ' ' + Math.round(box.width) + 'x' + Math.round(box.height)
                    + ' marks ' + drawn + '/' + marks.length);
              });
              document.getElementById('render-check').textContent = lines.join('\\n');
            });
            """;

    private HtmlReport() {
    }

    /** The page for {@code files}, in order. */
    public static String html(List<ResultsFile> files) {
        StringBuilder h = new StringBuilder(64 * 1024);
        List<String> names = new ArrayList<>();
        for (ResultsFile f : files) {
            names.add(fileName(f.name()));
        }
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(TITLE + ": " + String.join(", ", names))).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(TITLE).append("</h1>\n")
                .append("<p class=\"meta\">").append(files.size() == 1 ? "1 results file" : files.size() + " results files")
                .append(": ").append(esc(String.join(", ", names))).append("</p>\n");
        for (int i = 0; i < files.size(); i++) {
            file(h, files.get(i), i + 1);
        }
        h.append("<pre id=\"render-check\" hidden></pre>\n<script>\n").append(RENDER_CHECK).append("</script>\n")
                .append("</body>\n</html>\n");
        return h.toString();
    }

    private static void file(StringBuilder h, ResultsFile f, int n) {
        h.append("<section id=\"file-").append(n).append("\">\n<h2>").append(esc(f.name()));
        if (f.tune() != null) {
            h.append(": tune sweep of ").append(esc(f.tune().target()));
        }
        h.append("</h2>\n<p class=\"workload\">workload: ");
        boolean first = true;
        for (Map.Entry<String, Object> e : f.workload().entrySet()) {
            h.append(first ? "" : " · ").append("<code>").append(esc(e.getKey())).append("</code> ")
                    .append(esc(jsonValue(e.getValue())));
            first = false;
        }
        h.append("</p>\n");
        if (f.tune() != null) {
            tuneSummary(h, f);
        }
        List<String> labels = labels(f);
        throughputChart(h, f, labels, "chart-throughput-" + n);
        latencyChart(h, f, labels, "chart-latency-" + n);
        if (f.tune() != null) {
            tuneChart(h, f, "chart-tune-" + n);
        }
        resultsTable(h, f, labels);
        if (f.tune() != null) {
            trialsTable(h, f);
        }
        details(h, f, labels);
        h.append("</section>\n");
    }

    /**
     * How each result is called in legends: its target, or "#n ..." where targets repeat or in a tune sweep, numbered
     * from 1 in file order (as {@code tune} numbers its trials).
     */
    private static List<String> labels(ResultsFile f) {
        List<String> labels = new ArrayList<>();
        long distinct = f.results().stream().map(ResultsFile.Result::target).distinct().count();
        for (int i = 0; i < f.results().size(); i++) {
            ResultsFile.Result r = f.results().get(i);
            if (f.tune() != null) {
                labels.add("#" + (i + 1) + role(f.tune(), i));
            } else if (distinct < f.results().size()) {
                labels.add("#" + (i + 1) + " " + r.target());
            } else {
                labels.add(r.target());
            }
        }
        return labels;
    }

    private static String role(ResultsFile.Tune t, int i) {
        boolean d = t.defaults() == i;
        boolean r = t.recommended() != null && t.recommended() == i;
        return d && r ? " (default, recommended)" : d ? " (default)" : r ? " (recommended)" : "";
    }

    // ---- charts ----

    /** (a) records/s second by second, a step line per result over the interval each entry covers. */
    private static void throughputChart(StringBuilder h, ResultsFile f, List<String> labels, String id) {
        List<double[][]> series = new ArrayList<>(); // per result: {starts, ends, values}, or null
        double xMax = 0;
        double yMax = 0;
        for (ResultsFile.Result r : f.results()) {
            List<Double> tl = r.timeline();
            if (tl.isEmpty()) {
                series.add(null);
                continue;
            }
            int n = tl.size();
            double[] starts = new double[n];
            double[] ends = new double[n];
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                starts[i] = i;
                ends[i] = i + 1;
                values[i] = finiteOrZero(tl.get(i));
                yMax = Math.max(yMax, values[i]);
            }
            // the last entry covers the rest of the phase: up to the last receipt (elapsed), at most 1.5 s
            double elapsed = r.elapsedMs() / 1e3;
            if (Double.isFinite(elapsed) && elapsed > n - 1) {
                ends[n - 1] = Math.min(elapsed, n + 0.5);
            }
            xMax = Math.max(xMax, ends[n - 1]);
            series.add(new double[][] {starts, ends, values});
        }
        List<Legend> legend = legend(labels, series.stream().map(s -> s == null ? "no timeline in the file" : null).toList());
        Chart c = new Chart(h, id, "Throughput over time", "records/s received, second by second", legend.size());
        if (xMax == 0) {
            c.note("No throughput timeline in this file (written before sluice-perf recorded one).");
            c.legend(legend);
            c.end();
            return;
        }
        Scale x = Scale.linear(0, xMax, LEFT, RIGHT);
        Scale y = Scale.linear(0, yMax == 0 ? 1 : yMax, c.bottom, TOP);
        c.yAxis(y, HtmlReport::si, "records/s");
        c.xAxis(x, v -> trim(v) + " s", "time since the phase began (s)");
        for (int s = 0; s < series.size(); s++) {
            double[][] p = series.get(s);
            if (p == null) {
                continue;
            }
            String colour = colour(s);
            StringBuilder d = new StringBuilder();
            for (int i = 0; i < p[0].length; i++) {
                d.append(i == 0 ? "M" : "L").append(num(x.at(p[0][i]))).append(',').append(num(y.at(p[2][i])))
                        .append("L").append(num(x.at(p[1][i]))).append(',').append(num(y.at(p[2][i])));
            }
            h.append("<path class=\"mark series\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                    .append(dash(s)).append(" d=\"").append(d).append("\"><title>").append(esc(labels.get(s)))
                    .append("</title></path>\n");
            for (int i = 0; i < p[0].length; i++) {
                h.append("<circle class=\"mark point\" cx=\"").append(num(x.at((p[0][i] + p[1][i]) / 2))).append("\" cy=\"")
                        .append(num(y.at(p[2][i]))).append("\" r=\"3\" fill=\"").append(colour).append("\"><title>")
                        .append(esc(labels.get(s) + ": " + String.format(Locale.ROOT, "%,.0f records/s in %s-%s s",
                                p[2][i], trim(p[0][i]), trim(p[1][i]))))
                        .append("</title></circle>\n");
            }
        }
        c.legend(legend);
        c.end();
    }

    /** (b) p50, p90, p99, p99.9 and max of each result, a line per result, on a log scale. */
    private static void latencyChart(StringBuilder h, ResultsFile f, List<String> labels, String id) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        List<String> notes = new ArrayList<>();
        for (ResultsFile.Result r : f.results()) {
            boolean any = false;
            for (double v : r.percentiles()) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    any = true;
                }
            }
            notes.add(any ? null : "no latencies");
        }
        Double p99Target = f.tune() == null ? null : f.tune().p99TargetUs();
        if (hi > 0 && p99Target != null && p99Target > 0) {
            lo = Math.min(lo, p99Target);
            hi = Math.max(hi, p99Target);
        }
        List<Legend> legend = legend(labels, notes);
        Chart c = new Chart(h, id, "Latency percentiles", "end to end, intended send to receipt; log scale", legend.size());
        if (hi == 0) {
            c.note("No latencies recorded.");
            c.legend(legend);
            c.end();
            return;
        }
        Scale y = Scale.log(lo, hi, c.bottom, TOP);
        double band = (RIGHT - LEFT) / (double) PERCENTILES.length;
        c.yAxis(y, HtmlReport::micros, "latency");
        for (int i = 0; i < PERCENTILES.length; i++) {
            double cx = LEFT + band * (i + 0.5);
            h.append("<text x=\"").append(num(cx)).append("\" y=\"").append(c.bottom + 18)
                    .append("\" text-anchor=\"middle\">").append(PERCENTILES[i]).append("</text>\n");
        }
        h.append("<text class=\"axis-title\" x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(c.bottom + 38)
                .append("\" text-anchor=\"middle\">percentile</text>\n");
        for (int s = 0; s < f.results().size(); s++) {
            if (notes.get(s) != null) {
                continue;
            }
            double[] ps = f.results().get(s).percentiles();
            String colour = colour(s);
            StringBuilder d = new StringBuilder();
            for (int i = 0; i < ps.length; i++) {
                if (ps[i] > 0 && Double.isFinite(ps[i])) {
                    d.append(d.length() == 0 ? "M" : "L").append(num(LEFT + band * (i + 0.5))).append(',').append(num(y.at(ps[i])));
                }
            }
            h.append("<path class=\"mark series\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                    .append(dash(s)).append(" d=\"").append(d).append("\"><title>").append(esc(labels.get(s)))
                    .append("</title></path>\n");
            for (int i = 0; i < ps.length; i++) {
                if (ps[i] > 0 && Double.isFinite(ps[i])) {
                    h.append("<circle class=\"mark point\" cx=\"").append(num(LEFT + band * (i + 0.5))).append("\" cy=\"")
                            .append(num(y.at(ps[i]))).append("\" r=\"3.5\" fill=\"").append(colour).append("\"><title>")
                            .append(esc(labels.get(s) + " " + PERCENTILES[i] + ": " + micros(ps[i]))).append("</title></circle>\n");
                }
            }
        }
        // after the lines, so that its label stays readable
        if (p99Target != null && p99Target > 0) {
            double ty = y.at(p99Target);
            double x0 = LEFT + band * 2.1;
            h.append("<line class=\"target\" x1=\"").append(num(x0)).append("\" x2=\"").append(num(LEFT + band * 2.9))
                    .append("\" y1=\"").append(num(ty)).append("\" y2=\"").append(num(ty))
                    .append("\" stroke=\"#111\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n")
                    .append("<text class=\"halo\" x=\"").append(num(x0)).append("\" y=\"").append(num(ty - 6)).append("\">")
                    .append(esc("p99 target " + micros(p99Target))).append("</text>\n");
        }
        c.legend(legend);
        c.end();
    }

    /** (c) throughput per trial: green bars met the p99 target, red ones did not; the recommended one outlined. */
    private static void tuneChart(StringBuilder h, ResultsFile f, String id) {
        ResultsFile.Tune t = f.tune();
        String subtitle = t.p99TargetUs() == null ? "no p99 target" : "p99 target " + micros(t.p99TargetUs());
        List<Legend> legend = List.of(new Legend("meets the p99 target", MEETS, false),
                new Legend("misses the p99 target", MISSES, false), new Legend("recommended (outlined, ★)", "#111", true));
        Chart c = new Chart(h, id, "Tune sweep of " + t.target(), "throughput per trial; " + subtitle, legend.size());
        int n = f.results().size();
        if (n == 0) {
            c.note("No trials.");
            c.legend(legend);
            c.end();
            return;
        }
        double yMax = 0;
        for (ResultsFile.Result r : f.results()) {
            yMax = Math.max(yMax, finiteOrZero(r.msgsPerSec()));
        }
        Scale y = Scale.linear(0, yMax == 0 ? 1 : yMax * 1.08, c.bottom, TOP); // room for the labels above the bars
        c.yAxis(y, HtmlReport::si, "records/s");
        double band = (RIGHT - LEFT) / (double) n;
        double barWidth = Math.max(1, band * 0.7);
        int labelEvery = (int) Math.ceil(n / 40.0);
        for (int i = 0; i < n; i++) {
            ResultsFile.Result r = f.results().get(i);
            ResultsFile.Trial trial = t.trials().get(i);
            double v = finiteOrZero(r.msgsPerSec());
            double bx = LEFT + band * i + (band - barWidth) / 2;
            double top = y.at(v);
            boolean recommended = t.recommended() != null && t.recommended() == i;
            h.append("<rect class=\"mark bar\" x=\"").append(num(bx)).append("\" y=\"").append(num(top))
                    .append("\" width=\"").append(num(barWidth)).append("\" height=\"").append(num(Math.max(0, c.bottom - top)))
                    .append("\" fill=\"").append(trial.meetsP99() ? MEETS : MISSES).append('"')
                    .append(recommended ? " stroke=\"#111\" stroke-width=\"3\"" : "").append("><title>")
                    .append(esc("#" + (i + 1) + role(t, i) + ": " + knobs(trial) + "; " + String.format(Locale.ROOT, "%,.0f", v)
                            + " records/s, p99 " + micros(r.p99()) + (trial.meetsP99() ? " (meets" : " (misses")
                            + " the target)" + (r.failed() ? "; FAILED" : "")))
                    .append("</title></rect>\n");
            String mark = String.join(" ", java.util.stream.Stream.of(recommended ? "★" : "", t.defaults() == i ? "default" : "",
                    r.failed() ? "failed" : "").filter(m -> !m.isEmpty()).toList());
            if (!mark.isEmpty()) {
                h.append("<text x=\"").append(num(bx + barWidth / 2)).append("\" y=\"").append(num(top - 5))
                        .append("\" text-anchor=\"middle\"").append(recommended ? " font-weight=\"bold\"" : "").append('>')
                        .append(esc(mark)).append("</text>\n");
            }
            if (i % labelEvery == 0) {
                h.append("<text x=\"").append(num(bx + barWidth / 2)).append("\" y=\"").append(c.bottom + 18)
                        .append("\" text-anchor=\"middle\">#").append(i + 1).append("</text>\n");
            }
        }
        h.append("<text class=\"axis-title\" x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(c.bottom + 38)
                .append("\" text-anchor=\"middle\">trial (knobs in the table below)</text>\n");
        c.legend(legend);
        c.end();
    }

    // ---- tables ----

    private static void resultsTable(StringBuilder h, ResultsFile f, List<String> labels) {
        h.append("<h3>Results</h3>\n");
        if (f.results().isEmpty()) {
            h.append("<p>No results in this file.</p>\n");
            return;
        }
        h.append("<div class=\"scroll\"><table class=\"results\">\n<tr><th class=\"name\">result</th><th>records/s</th><th>MB/s</th>"
                + "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>elapsed</th><th>sent</th>"
                + "<th>acked</th><th>received</th><th>lost</th><th>duplicated</th><th>reordered</th>"
                + "<th class=\"name\">status</th></tr>\n");
        for (int i = 0; i < f.results().size(); i++) {
            ResultsFile.Result r = f.results().get(i);
            h.append("<tr><td class=\"name\">").append(esc(labels.get(i))).append("</td>")
                    .append(td(fixed(r.msgsPerSec(), "%,.0f"))).append(td(fixed(r.mbPerSec(), "%,.1f")));
            for (double p : r.percentiles()) {
                h.append(td(micros(p)));
            }
            h.append(td(fixed(r.elapsedMs() / 1e3, "%.2f s")))
                    .append(td(count(r.sent()))).append(td(r.acked() == null ? "n/a" : count(r.acked())))
                    .append(td(count(r.received())))
                    .append(tdCount(r.lost())).append(tdCount(r.duplicated())).append(tdCount(r.reordered()))
                    .append(r.failed() ? "<td class=\"name bad\">FAILED (below)</td>" : "<td class=\"name\">ok</td>")
                    .append("</tr>\n");
        }
        h.append("</table></div>\n<p class=\"meta\">Latency is end to end (intended send time to receipt); MB/s counts value"
                + " bytes, 10<sup>6</sup> per MB.</p>\n");
    }

    private static void trialsTable(StringBuilder h, ResultsFile f) {
        ResultsFile.Tune t = f.tune();
        h.append("<h3>Trials</h3>\n<div class=\"scroll\"><table class=\"trials\">\n<tr><th>#</th><th>prefetch</th><th>concurrency</th>"
                + "<th>batch size</th><th>linger</th><th>partitions</th><th>records/s</th><th>p99</th>"
                + "<th class=\"name\">p99 target</th><th class=\"name\">role</th></tr>\n");
        for (int i = 0; i < t.trials().size(); i++) {
            ResultsFile.Trial trial = t.trials().get(i);
            ResultsFile.Result r = f.results().get(i);
            boolean recommended = t.recommended() != null && t.recommended() == i;
            h.append(recommended ? "<tr class=\"recommended\">" : "<tr>").append(td("#" + (i + 1)))
                    .append(td(count(trial.prefetch()))).append(td(count(trial.concurrency())))
                    .append(td(count(trial.batchSize()) + " B")).append(td(trim(trial.lingerMs()) + " ms"))
                    .append(td(count(trial.partitions()))).append(td(fixed(r.msgsPerSec(), "%,.0f"))).append(td(micros(r.p99())))
                    .append(trial.meetsP99() ? "<td class=\"name\">meets</td>" : "<td class=\"name bad\">misses</td>")
                    .append("<td class=\"name\">").append(esc(role(t, i).replaceAll("[()]", "").trim())).append("</td></tr>\n");
        }
        h.append("</table></div>\n");
    }

    private static void tuneSummary(StringBuilder h, ResultsFile f) {
        ResultsFile.Tune t = f.tune();
        h.append("<p class=\"workload\">tune: ").append(t.trials().size()).append(" trials of ").append(esc(t.target()))
                .append(", ").append(t.p99TargetUs() == null ? "no p99 target" : "p99 target " + esc(micros(t.p99TargetUs())))
                .append("; default #").append(t.defaults() + 1).append(" (").append(esc(knobs(t.trials().get(t.defaults())))).append(')');
        if (t.recommended() == null) {
            h.append("; <strong>no trial met the target</strong>");
        } else {
            int r = t.recommended();
            double ratio = f.results().get(r).msgsPerSec() / f.results().get(t.defaults()).msgsPerSec();
            h.append("; <strong>recommended #").append(r + 1).append("</strong> (").append(esc(knobs(t.trials().get(r)))).append(')');
            if (Double.isFinite(ratio)) {
                h.append(String.format(Locale.ROOT, ", %.2fx the default's throughput", ratio));
            }
        }
        h.append("</p>\n");
    }

    private static void details(StringBuilder h, ResultsFile f, List<String> labels) {
        boolean any = f.results().stream().anyMatch(r -> !r.details().isEmpty() || r.failed());
        if (!any) {
            return;
        }
        h.append("<h3>Details</h3>\n");
        for (int i = 0; i < f.results().size(); i++) {
            ResultsFile.Result r = f.results().get(i);
            if (r.details().isEmpty() && !r.failed()) {
                continue;
            }
            h.append("<dl class=\"details\"><dt>").append(esc(labels.get(i))).append("</dt>\n");
            for (Map.Entry<String, String> d : r.details().entrySet()) {
                h.append("<dd><strong>").append(esc(d.getKey())).append("</strong>: ").append(esc(d.getValue())).append("</dd>\n");
            }
            if (r.failed()) {
                h.append("<dd><pre class=\"error\">FAILED: ").append(esc(r.error())).append("</pre></dd>\n");
            }
            h.append("</dl>\n");
        }
    }

    private static String td(String text) {
        return "<td>" + esc(text) + "</td>";
    }

    private static String tdCount(long n) {
        return (n > 0 ? "<td class=\"bad\">" : "<td>") + count(n) + "</td>";
    }

    // ---- drawing helpers ----

    /** A legend entry: a swatch (a line, or an outlined box) and a label, or a note instead of the swatch. */
    private record Legend(String label, String colour, boolean outline, String note, int index) {
        Legend(String label, String colour, boolean outline) {
            this(label, colour, outline, null, -1);
        }
    }

    private static List<Legend> legend(List<String> labels, List<String> notes) {
        List<Legend> legend = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            legend.add(new Legend(labels.get(i), colour(i), false, notes.get(i), i));
        }
        return legend;
    }

    /** One chart being written: the svg element, the title, the frame; the caller draws axes and marks. */
    private static final class Chart {
        final StringBuilder h;
        final int height;
        final int bottom;

        Chart(StringBuilder h, String id, String title, String subtitle, int legendRows) {
            this.h = h;
            this.height = Math.max(HEIGHT, TOP + 10 + LEGEND_ROW * legendRows + 20);
            this.bottom = height - 52;
            h.append("<svg class=\"chart\" id=\"").append(id).append("\" width=\"").append(WIDTH).append("\" height=\"")
                    .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                    .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n")
                    .append("<title>").append(esc(title)).append("</title>\n")
                    .append("<text class=\"title\" x=\"").append(LEFT).append("\" y=\"22\">").append(esc(title)).append("</text>\n")
                    .append("<text class=\"axis-title\" x=\"").append(LEFT).append("\" y=\"38\">").append(esc(subtitle))
                    .append("</text>\n");
        }

        void yAxis(Scale y, java.util.function.DoubleFunction<String> label, String title) {
            for (double v : y.ticks()) {
                double py = y.at(v);
                h.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT).append("\" y1=\"")
                        .append(num(py)).append("\" y2=\"").append(num(py)).append("\"/>\n")
                        .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(py + 4))
                        .append("\" text-anchor=\"end\">").append(esc(label.apply(v))).append("</text>\n");
            }
            h.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                    .append("\" y2=\"").append(bottom).append("\"/>\n")
                    .append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT).append("\" y1=\"")
                    .append(bottom).append("\" y2=\"").append(bottom).append("\"/>\n")
                    .append("<text class=\"axis-title\" transform=\"translate(16 ").append((TOP + bottom) / 2)
                    .append(") rotate(-90)\" text-anchor=\"middle\">").append(esc(title)).append("</text>\n");
        }

        void xAxis(Scale x, java.util.function.DoubleFunction<String> label, String title) {
            for (double v : x.ticks()) {
                double px = x.at(v);
                h.append("<line class=\"grid\" x1=\"").append(num(px)).append("\" x2=\"").append(num(px)).append("\" y1=\"")
                        .append(TOP).append("\" y2=\"").append(bottom).append("\"/>\n")
                        .append("<text x=\"").append(num(px)).append("\" y=\"").append(bottom + 18)
                        .append("\" text-anchor=\"middle\">").append(esc(label.apply(v))).append("</text>\n");
            }
            h.append("<text class=\"axis-title\" x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(bottom + 38)
                    .append("\" text-anchor=\"middle\">").append(esc(title)).append("</text>\n");
        }

        void note(String text) {
            h.append("<text class=\"note\" x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append((TOP + bottom) / 2)
                    .append("\" text-anchor=\"middle\">").append(esc(text)).append("</text>\n")
                    .append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                    .append(RIGHT - LEFT).append("\" height=\"").append(bottom - TOP)
                    .append("\" fill=\"none\" stroke=\"#ccc\"/>\n");
        }

        void legend(List<Legend> entries) {
            int x = RIGHT + 20;
            int y = TOP + 8;
            for (Legend e : entries) {
                String label = e.label().length() > 27 ? e.label().substring(0, 26) + "…" : e.label();
                h.append("<g class=\"legend\"><title>").append(esc(e.label() + (e.note() == null ? "" : ": " + e.note())))
                        .append("</title>");
                if (e.note() != null) {
                    h.append("<text x=\"").append(x).append("\" y=\"").append(y + 4).append("\" fill=\"#999\">")
                            .append(esc(label + " (" + e.note() + ")")).append("</text>");
                } else {
                    if (e.outline()) {
                        h.append("<rect x=\"").append(x).append("\" y=\"").append(y - 6).append("\" width=\"22\" height=\"12\"")
                                .append(" fill=\"none\" stroke=\"").append(e.colour()).append("\" stroke-width=\"3\"/>");
                    } else if (e.index() < 0) {
                        h.append("<rect x=\"").append(x).append("\" y=\"").append(y - 6).append("\" width=\"22\" height=\"12\"")
                                .append(" fill=\"").append(e.colour()).append("\"/>");
                    } else {
                        h.append("<line x1=\"").append(x).append("\" x2=\"").append(x + 22).append("\" y1=\"").append(y)
                                .append("\" y2=\"").append(y).append("\" stroke=\"").append(e.colour())
                                .append("\" stroke-width=\"3\"").append(dash(e.index())).append("/>");
                    }
                    h.append("<text x=\"").append(x + 30).append("\" y=\"").append(y + 4).append("\">").append(esc(label))
                            .append("</text>");
                }
                h.append("</g>\n");
                y += LEGEND_ROW;
            }
        }

        void end() {
            h.append("</svg>\n");
        }
    }

    /** Maps values to pixels, linearly or on a log10 scale, and picks round tick values. */
    private record Scale(double lo, double hi, double from, double to, boolean log) {
        static Scale linear(double lo, double hi, double from, double to) {
            double step = niceStep(hi - lo);
            return new Scale(lo, Math.ceil(hi / step - 1e-9) * step, from, to, false);
        }

        /** From the power of ten below {@code lo} to the one above {@code hi}. */
        static Scale log(double lo, double hi, double from, double to) {
            double a = Math.floor(Math.log10(lo));
            double b = Math.ceil(Math.log10(hi));
            return new Scale(Math.pow(10, a), Math.pow(10, b == a ? a + 1 : b), from, to, true);
        }

        double at(double v) {
            double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return from + f * (to - from);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                boolean fine = Math.log10(hi / lo) <= 2; // few decades: 2 and 5 too
                for (double d = lo; d <= hi * 1.0001; d *= 10) {
                    ticks.add(d);
                    if (fine && d * 2 < hi) {
                        ticks.add(d * 2);
                        ticks.add(d * 5);
                    }
                }
            } else {
                double step = niceStep(hi - lo);
                for (int i = 0; lo + i * step <= hi + step * 1e-6; i++) {
                    ticks.add(lo + i * step);
                }
            }
            return ticks;
        }

        /** A step of 1, 2 or 5 times a power of ten giving about five intervals over {@code range}. */
        static double niceStep(double range) {
            double raw = range / 5;
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / p;
            return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
        }
    }

    private static String colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** Solid for the first ten series, then dashed and dotted, so that repeated colours stay apart. */
    private static String dash(int i) {
        return switch (i / PALETTE.length % 3) {
            case 0 -> "";
            case 1 -> " stroke-dasharray=\"8 4\"";
            default -> " stroke-dasharray=\"2 3\"";
        };
    }

    // ---- text ----

    /** Escapes text for HTML content and attribute values; control characters (but newline and tab) become U+FFFD. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    /** The last part of a path, for the page title. */
    private static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    private static String jsonValue(Object v) {
        if (v == null) {
            return "n/a";
        }
        if (v instanceof Double d) {
            return trim(d);
        }
        return String.valueOf(v);
    }

    /** A latency in µs, with the unit that reads best: 850 ns, 12.3 µs, 4.56 ms, 1.2 s. */
    static String micros(double us) {
        if (!Double.isFinite(us)) {
            return "n/a";
        }
        if (us < 1 && us > 0) {
            return trim(us * 1e3) + " ns";
        }
        if (us < 1e3) {
            return trim(us) + " µs";
        }
        if (us < 1e6) {
            return trim(us / 1e3) + " ms";
        }
        return trim(us / 1e6) + " s";
    }

    /** 1.5M, 250k, 12: for axis ticks. */
    static String si(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    /** At most three significant digits (more for large whole numbers), no trailing zeros. */
    static String trim(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    private static String fixed(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "n/a";
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String knobs(ResultsFile.Trial t) {
        return String.format(Locale.ROOT, "prefetch %d, concurrency %d, batch %d B, linger %s ms, %d partitions",
                t.prefetch(), t.concurrency(), t.batchSize(), trim(t.lingerMs()), t.partitions());
    }
}
