package io.sluice.benchmarks.perf.report;

import static io.sluice.benchmarks.perf.report.HtmlText.count;
import static io.sluice.benchmarks.perf.report.HtmlText.esc;
import static io.sluice.benchmarks.perf.report.HtmlText.fixed;
import static io.sluice.benchmarks.perf.report.HtmlText.knobs;
import static io.sluice.benchmarks.perf.report.HtmlText.micros;
import static io.sluice.benchmarks.perf.report.HtmlText.role;
import static io.sluice.benchmarks.perf.report.HtmlText.trim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML page of {@code sluice-perf report}: one self-contained file (inline CSS, charts as inline SVG drawn here,
 * nothing loaded from anywhere else) that a browser opens from disk or a CI artefact.
 *
 * <p>For each results file: the workload, then the charts (throughput over time, one line per result, on a log
 * scale when the rates span over ten times; latency percentiles per result on a log scale; the tune sweep, the
 * latency-throughput curve or the max-rate steps when the file has them), a summary table and each result's details
 * and error. Every chart is an {@code <svg class="chart">} with an id ({@code chart-throughput-1},
 * {@code chart-latency-1}, {@code chart-tune-1}, {@code chart-max-rate-1}, numbered by file) and an explicit size. A
 * small inline script measures the charts once the page has loaded and writes what it saw into
 * {@code <pre id="render-check">} (hidden): per chart its size, how many of its marks have a non-zero box, and the
 * height of its flattest line ({@code .mark.series}, 0 for a flat one), so that a headless browser's DOM dump
 * shows whether they rendered and whether a line is squashed flat. Every string from the input is escaped.
 *
 * <p>This class writes the page, its sections and tables; the charts are {@link ResultCharts}, drawn on
 * {@link SvgChart}s, and {@link HtmlText} says how values read.
 */
public final class HtmlReport {
    static final String TITLE = "sluice-perf report";

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
                var flattest = -1;
                marks.forEach(function (m) {
                  var b = m.getBBox();
                  if (b.width > 0 || b.height > 0) { drawn++; }
                  if (m.classList.contains('series') && (flattest < 0 || b.height < flattest)) { flattest = b.height; }
                });
                lines.push(svg.id + ' ' + Math.round(box.width) + 'x' + Math.round(box.height)
                    + ' marks ' + drawn + '/' + marks.length + ' flattest line ' + (flattest < 0 ? '-' : flattest.toFixed(1)));
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
        if (f.maxRate() != null) {
            h.append(": max-rate search");
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
        if (f.maxRate() != null) {
            maxRatesTable(h, f);
        }
        List<String> labels = labels(f);
        ResultCharts.throughputChart(h, f, labels, "chart-throughput-" + n);
        ResultCharts.latencyTimelineChart(h, f, labels, "chart-latency-timeline-" + n);
        ResultCharts.latencyChart(h, f, labels, "chart-latency-" + n);
        if (f.tune() != null) {
            ResultCharts.tuneChart(h, f, "chart-tune-" + n);
        }
        if (f.curve() != null) {
            ResultCharts.curveChart(h, f, "chart-curve-" + n);
        }
        if (f.maxRate() != null) {
            ResultCharts.maxRateChart(h, f, "chart-max-rate-" + n);
        }
        resultsTable(h, f, labels);
        if (f.tune() != null) {
            trialsTable(h, f);
        }
        if (f.maxRate() != null) {
            stepsTable(h, f);
        }
        details(h, f, labels);
        h.append("</section>\n");
    }

    /**
     * How each result is called in legends: its target, or "#n ..." where targets repeat or in a tune sweep, numbered
     * from 1 in file order (as {@code tune} numbers its trials); in a max-rate file, "target step k".
     */
    private static List<String> labels(ResultsFile f) {
        List<String> labels = new ArrayList<>();
        long distinct = f.results().stream().map(ResultsFile.Result::target).distinct().count();
        Map<Integer, String> steps = new java.util.HashMap<>();
        if (f.maxRate() != null) {
            for (ResultsFile.MaxRateTarget t : f.maxRate().targets()) {
                for (int k = 0; k < t.steps().size(); k++) {
                    steps.put(t.steps().get(k).result(), t.target() + " step " + (k + 1));
                }
            }
        }
        for (int i = 0; i < f.results().size(); i++) {
            ResultsFile.Result r = f.results().get(i);
            if (steps.containsKey(i)) {
                labels.add(steps.get(i));
            } else if (f.tune() != null) {
                labels.add("#" + (i + 1) + role(f.tune(), i));
            } else if (distinct < f.results().size()) {
                labels.add("#" + (i + 1) + " " + r.target());
            } else {
                labels.add(r.target());
            }
        }
        return labels;
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

    /** Each target's max rate, its p99 there, its ceiling and why its search stopped; a max-rate file's summary. */
    private static void maxRatesTable(StringBuilder h, ResultsFile f) {
        ResultsFile.MaxRate m = f.maxRate();
        h.append("<p class=\"workload\">max-rate: the highest rate each target sustained for a whole step with p99 under ")
                .append(esc(micros(m.p99TargetUs()))).append(", no growing backlog and nothing lost</p>\n")
                .append("<div class=\"scroll\"><table class=\"max-rates\">\n<tr><th class=\"name\">target</th><th>max rate (msgs/s)</th>"
                        + "<th>p99 there</th><th>ceiling (unlimited, msgs/s)</th><th>steps</th><th class=\"name\">stopped</th></tr>\n");
        for (ResultsFile.MaxRateTarget t : m.targets()) {
            ResultsFile.MaxRateStep best = t.best();
            h.append("<tr><td class=\"name\">").append(esc(t.target() + (t.acks() == null ? "" : " (acks " + t.acks() + ")")))
                    .append("</td>").append(best == null ? "<td class=\"bad\">none</td>" : td(count(t.maxRate())))
                    .append(td(best == null ? "" : micros(f.results().get(best.result()).p99())))
                    .append(td(fixed(t.ceiling(), "%,.0f"))).append(td(count(t.steps().size())))
                    .append("<td class=\"name\">").append(esc(t.ended() == null ? "" : t.ended())).append("</td></tr>\n");
        }
        h.append("</table></div>\n");
    }

    /** Every step of every search: the rate asked, what it delivered and its p99, and whether it met the target. */
    private static void stepsTable(StringBuilder h, ResultsFile f) {
        h.append("<h3>Max-rate steps</h3>\n<div class=\"scroll\"><table class=\"steps\">\n<tr><th class=\"name\">target</th>"
                + "<th>step</th><th>rate asked (msgs/s)</th><th>delivered (msgs/s)</th><th>p99</th>"
                + "<th class=\"name\">p99 target</th><th class=\"name\">why</th></tr>\n");
        for (ResultsFile.MaxRateTarget t : f.maxRate().targets()) {
            ResultsFile.MaxRateStep best = t.best();
            for (int k = 0; k < t.steps().size(); k++) {
                ResultsFile.MaxRateStep step = t.steps().get(k);
                ResultsFile.Result r = f.results().get(step.result());
                String verdict = step.rate() == 0 ? (step.meets() ? "<td class=\"name\">ceiling</td>" : "<td class=\"name bad\">failed</td>")
                        : step.meets() ? "<td class=\"name\">" + (step == best ? "meets: the max rate" : "meets") + "</td>"
                        : "<td class=\"name bad\">misses</td>";
                h.append(step == best ? "<tr class=\"recommended\">" : "<tr>").append("<td class=\"name\">").append(esc(t.target()))
                        .append("</td>").append(td(String.valueOf(k + 1)))
                        .append(td(step.rate() == 0 ? "unlimited" : count(step.rate()))).append(td(fixed(r.msgsPerSec(), "%,.0f")))
                        .append(td(micros(r.p99()))).append(verdict).append("<td class=\"name\">")
                        .append(esc(step.why() == null ? "" : step.why())).append("</td></tr>\n");
            }
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
}
