package io.sluice.benchmarks.perf.report;

import static io.sluice.benchmarks.perf.report.HtmlText.esc;
import static io.sluice.benchmarks.perf.report.HtmlText.finiteOrZero;
import static io.sluice.benchmarks.perf.report.HtmlText.knobs;
import static io.sluice.benchmarks.perf.report.HtmlText.micros;
import static io.sluice.benchmarks.perf.report.HtmlText.num;
import static io.sluice.benchmarks.perf.report.HtmlText.role;
import static io.sluice.benchmarks.perf.report.HtmlText.trim;
import static io.sluice.benchmarks.perf.report.SvgChart.LEFT;
import static io.sluice.benchmarks.perf.report.SvgChart.RIGHT;
import static io.sluice.benchmarks.perf.report.SvgChart.TOP;
import static io.sluice.benchmarks.perf.report.SvgChart.colour;
import static io.sluice.benchmarks.perf.report.SvgChart.dash;

import io.sluice.benchmarks.perf.report.SvgChart.Legend;
import io.sluice.benchmarks.perf.report.SvgChart.Marker;
import io.sluice.benchmarks.perf.report.SvgChart.Scale;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The charts of a results file on the report page, each an {@link SvgChart}: (a) throughput over time, (a') latency
 * over time, (b) latency percentiles per result, (c) the sweep of a tune file, (d) the latency-throughput curve of a
 * curve file, (e) the steps of a max-rate file. The first two are drawn even when the file has
 * nothing for them, as a frame with a note, so that every results file gets the same charts in the same places.
 */
final class ResultCharts {
    private static final String MEETS = "#2e8b57";
    private static final String MISSES = "#d9534f";
    private static final String[] PERCENTILES = {"p50", "p90", "p99", "p99.9", "max"};

    private ResultCharts() {
    }

    /**
     * (a) records/s second by second, a step line per result over the interval each entry covers; on a log scale when
     * the rates span over ten times ({@link Scale#rates}: a peer at 20,000/s beside Sluice at 3,000,000/s).
     */
    static void throughputChart(StringBuilder h, ResultsFile f, List<String> labels, String id) {
        List<double[][]> series = new ArrayList<>(); // per result: {starts, ends, values}, or null
        double xMax = 0;
        double yMin = Double.MAX_VALUE; // the smallest rate above 0
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
                if (values[i] > 0) {
                    yMin = Math.min(yMin, values[i]);
                }
            }
            // the last entry covers the rest of the phase: up to the last receipt (elapsed), at most 1.5 s
            double elapsed = r.elapsedMs() / 1e3;
            if (Double.isFinite(elapsed) && elapsed > n - 1) {
                ends[n - 1] = Math.min(elapsed, n + 0.5);
            }
            xMax = Math.max(xMax, ends[n - 1]);
            series.add(new double[][] {starts, ends, values});
        }
        List<Legend> legend = SvgChart.legend(labels, series.stream().map(s -> s == null ? "no timeline in the file" : null).toList());
        SvgChart c = new SvgChart(h, id, "Throughput over time", "records/s received, second by second", legend.size());
        if (xMax == 0) {
            c.note("No throughput timeline in this file (written before sluice-perf recorded one).");
            c.legend(legend);
            c.end();
            return;
        }
        Scale x = Scale.linear(0, xMax, LEFT, RIGHT);
        Scale y = Scale.rates(yMax == 0 ? 0 : yMin, yMax, c.bottom, TOP);
        c.yRateAxis(y, "received");
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

    /**
     * (a') the p99 of the records received in each second, a step line per result on a log scale, over the same
     * seconds as (a): how latency moved as the rate did (under a {@code --profile}, as it ramped or spiked).
     */
    static void latencyTimelineChart(StringBuilder h, ResultsFile f, List<String> labels, String id) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        double xMax = 0;
        List<String> notes = new ArrayList<>();
        for (ResultsFile.Result r : f.results()) {
            boolean any = false;
            for (double[] second : r.latencyTimeline()) {
                double p99 = second[1];
                if (p99 > 0 && Double.isFinite(p99)) {
                    lo = Math.min(lo, p99);
                    hi = Math.max(hi, p99);
                    any = true;
                }
            }
            xMax = Math.max(xMax, r.latencyTimeline().size());
            notes.add(any ? null : "no latency timeline in the file");
        }
        List<Legend> legend = SvgChart.legend(labels, notes);
        SvgChart c = new SvgChart(h, id, "Latency over time", "p99 of the records received in each second; log scale", legend.size());
        if (hi == 0) {
            c.note("No latency timeline in this file (written before sluice-perf recorded one).");
            c.legend(legend);
            c.end();
            return;
        }
        Scale x = Scale.linear(0, xMax, LEFT, RIGHT);
        Scale y = Scale.log(lo, hi == lo ? lo * 2 : hi, c.bottom, TOP);
        c.yAxis(y, HtmlText::micros, "p99 latency");
        c.xAxis(x, v -> trim(v) + " s", "time since the phase began (s)");
        for (int s = 0; s < f.results().size(); s++) {
            if (notes.get(s) != null) {
                continue;
            }
            List<double[]> seconds = f.results().get(s).latencyTimeline();
            String colour = colour(s);
            StringBuilder d = new StringBuilder();
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < seconds.size(); i++) {
                double[] p = seconds.get(i);
                if (!(p[1] > 0) || !Double.isFinite(p[1])) {
                    continue; // a second with no receipt: no point
                }
                d.append(d.length() == 0 ? "M" : "L").append(num(x.at(i))).append(',').append(num(y.at(p[1])))
                        .append("L").append(num(x.at(i + 1))).append(',').append(num(y.at(p[1])));
                points.append("<circle class=\"mark point\" cx=\"").append(num(x.at(i + 0.5))).append("\" cy=\"")
                        .append(num(y.at(p[1]))).append("\" r=\"3\" fill=\"").append(colour).append("\"><title>")
                        .append(esc(labels.get(s) + String.format(Locale.ROOT, " in %d-%d s: p50 %s, p99 %s, max %s", i, i + 1,
                                micros(p[0]), micros(p[1]), micros(p[2]))))
                        .append("</title></circle>\n");
            }
            h.append("<path class=\"mark series\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                    .append(dash(s)).append(" d=\"").append(d).append("\"><title>").append(esc(labels.get(s)))
                    .append("</title></path>\n").append(points);
        }
        c.legend(legend);
        c.end();
    }

    /**
     * (d) the latency-throughput curve of a {@code curve} file: p99 against the rate asked, a line per target, both on
     * log scales, so that a peer at 20,000 msgs/s and Sluice at 3,000,000 are both readable; the p99 target dashed.
     */
    static void curveChart(StringBuilder h, ResultsFile f, String id) {
        ResultsFile.Curve curve = f.curve();
        Map<String, List<double[]>> byTarget = new LinkedHashMap<>(); // target -> {rate, p99, percent}
        double xLo = Double.MAX_VALUE;
        double xHi = 0;
        double yLo = curve.p99TargetUs() > 0 ? curve.p99TargetUs() : Double.MAX_VALUE;
        double yHi = Math.max(0, curve.p99TargetUs());
        for (ResultsFile.CurvePoint p : curve.points()) {
            double p99 = f.results().get(p.result()).p99();
            if (p.rate() <= 0 || !(p99 > 0) || !Double.isFinite(p99)) {
                continue;
            }
            byTarget.computeIfAbsent(p.target(), t -> new ArrayList<>()).add(new double[] {p.rate(), p99, p.percent()});
            xLo = Math.min(xLo, p.rate());
            xHi = Math.max(xHi, p.rate());
            yLo = Math.min(yLo, p99);
            yHi = Math.max(yHi, p99);
        }
        List<String> targets = List.copyOf(byTarget.keySet());
        List<Legend> legend = SvgChart.legend(targets, targets.stream().map(t -> (String) null).toList());
        SvgChart c = new SvgChart(h, id, "Latency against throughput",
                "p99 at fixed rates from 10% to 100% of each target's max rate; log scales", legend.size());
        if (byTarget.isEmpty()) {
            c.note("No point of the curve has a latency.");
            c.legend(legend);
            c.end();
            return;
        }
        Scale x = Scale.log(xLo, xHi == xLo ? xLo * 2 : xHi, LEFT, RIGHT);
        Scale y = Scale.log(yLo, yHi == yLo ? yLo * 2 : yHi, c.bottom, TOP);
        c.yAxis(y, HtmlText::micros, "p99 latency");
        c.xRateAxis(x, "rate asked");
        int s = 0;
        for (Map.Entry<String, List<double[]>> e : byTarget.entrySet()) {
            String colour = colour(s);
            StringBuilder d = new StringBuilder();
            StringBuilder points = new StringBuilder();
            for (double[] p : e.getValue()) {
                d.append(d.length() == 0 ? "M" : "L").append(num(x.at(p[0]))).append(',').append(num(y.at(p[1])));
                points.append("<circle class=\"mark point\" cx=\"").append(num(x.at(p[0]))).append("\" cy=\"")
                        .append(num(y.at(p[1]))).append("\" r=\"3.5\" fill=\"").append(colour).append("\"><title>")
                        .append(esc(String.format(Locale.ROOT, "%s at %.0f%% of its max rate, %,.0f records/s: p99 %s", e.getKey(),
                                p[2], p[0], micros(p[1]))))
                        .append("</title></circle>\n");
            }
            h.append("<path class=\"mark series\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                    .append(dash(s)).append(" d=\"").append(d).append("\"><title>").append(esc(e.getKey()))
                    .append("</title></path>\n").append(points);
            s++;
        }
        if (curve.p99TargetUs() > 0) {
            double ty = y.at(curve.p99TargetUs());
            h.append("<line class=\"target\" x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT)
                    .append("\" y1=\"").append(num(ty)).append("\" y2=\"").append(num(ty))
                    .append("\" stroke=\"#111\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n")
                    .append("<text class=\"halo\" x=\"").append(LEFT + 6).append("\" y=\"").append(num(ty - 6)).append("\">")
                    .append(esc("p99 target " + micros(curve.p99TargetUs()))).append("</text>\n");
        }
        c.legend(legend);
        c.end();
    }

    /** (b) p50, p90, p99, p99.9 and max of each result, a line per result, on a log scale. */
    static void latencyChart(StringBuilder h, ResultsFile f, List<String> labels, String id) {
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
        List<Legend> legend = SvgChart.legend(labels, notes);
        SvgChart c = new SvgChart(h, id, "Latency percentiles", "end to end, intended send to receipt; log scale", legend.size());
        if (hi == 0) {
            c.note("No latencies recorded.");
            c.legend(legend);
            c.end();
            return;
        }
        Scale y = Scale.log(lo, hi, c.bottom, TOP);
        double band = (RIGHT - LEFT) / (double) PERCENTILES.length;
        c.yAxis(y, HtmlText::micros, "latency");
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

    /**
     * (c) throughput per trial: green bars met the p99 target, red ones did not; the recommended one outlined. On a log
     * scale when the trials' throughputs span over ten times, as (a).
     */
    static void tuneChart(StringBuilder h, ResultsFile f, String id) {
        ResultsFile.Tune t = f.tune();
        String subtitle = t.p99TargetUs() == null ? "no p99 target" : "p99 target " + micros(t.p99TargetUs());
        List<Legend> legend = List.of(new Legend("meets the p99 target", MEETS, false),
                new Legend("misses the p99 target", MISSES, false), new Legend("recommended (outlined, ★)", "#111", true));
        SvgChart c = new SvgChart(h, id, "Tune sweep of " + t.target(), "throughput per trial; " + subtitle, legend.size());
        int n = f.results().size();
        if (n == 0) {
            c.note("No trials.");
            c.legend(legend);
            c.end();
            return;
        }
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (ResultsFile.Result r : f.results()) {
            double v = finiteOrZero(r.msgsPerSec());
            yMax = Math.max(yMax, v);
            yMin = v > 0 ? Math.min(yMin, v) : yMin;
        }
        Scale y = Scale.rates(yMax == 0 ? 0 : yMin, yMax * 1.08, c.bottom, TOP); // room for the labels above the bars
        c.yRateAxis(y, "throughput");
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

    /**
     * (e) the steps of a {@code max-rate} file: each step's rate against its number, a colour and a line per target,
     * the rates on a log scale (a search spans its ceiling down to a thousandth of it). A filled dot met the p99
     * target, a hollow ring missed it (a miss runs again before the bound moves, so misses come in pairs), a diamond is
     * the unlimited first step at what it delivered (the ceiling); each target's max rate is labelled at its step.
     */
    static void maxRateChart(StringBuilder h, ResultsFile f, String id) {
        ResultsFile.MaxRate m = f.maxRate();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        int steps = 0;
        List<String> targets = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ResultsFile.MaxRateTarget t : m.targets()) {
            targets.add(t.acks() == null ? t.target() : t.target() + " (acks " + t.acks() + ")");
            boolean any = false;
            for (ResultsFile.MaxRateStep step : t.steps()) {
                double v = stepRate(f, step);
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    any = true;
                }
            }
            steps = Math.max(steps, t.steps().size());
            notes.add(any ? null : "no step ran");
        }
        List<Legend> legend = new ArrayList<>(SvgChart.legend(targets, notes));
        legend.add(Legend.of(Marker.DOT, "meets the p99 target", "#555"));
        legend.add(Legend.of(Marker.RING, "misses the p99 target", "#555"));
        legend.add(Legend.of(Marker.DIAMOND, "unlimited step: ceiling", "#555"));
        SvgChart c = new SvgChart(h, id, "Max-rate steps", "each target's steps in search order, p99 target "
                + micros(m.p99TargetUs()) + "; the unlimited first step at what it delivered; log scale", legend.size());
        if (hi == 0) {
            c.note("No step of the search ran.");
            c.legend(legend);
            c.end();
            return;
        }
        Scale y = Scale.log(lo, hi, c.bottom, TOP);
        c.yRateAxis(y, "rate");
        double band = (RIGHT - LEFT) / (double) steps;
        int labelEvery = (int) Math.ceil(steps / 40.0);
        for (int i = 0; i < steps; i += labelEvery) {
            h.append("<text x=\"").append(num(LEFT + band * (i + 0.5))).append("\" y=\"").append(c.bottom + 18)
                    .append("\" text-anchor=\"middle\">").append(i + 1).append("</text>\n");
        }
        h.append("<text class=\"axis-title\" x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(c.bottom + 38)
                .append("\" text-anchor=\"middle\">step (steps in the table below)</text>\n");
        StringBuilder labels = new StringBuilder(); // after every mark, so that they stay readable
        int n = m.targets().size();
        for (int t = 0; t < n; t++) {
            if (notes.get(t) != null) {
                continue;
            }
            ResultsFile.MaxRateTarget target = m.targets().get(t);
            ResultsFile.MaxRateStep best = target.best();
            String colour = colour(t);
            StringBuilder d = new StringBuilder();
            StringBuilder points = new StringBuilder();
            double lastX = 0;
            double lastY = 0;
            for (int i = 0; i < target.steps().size(); i++) {
                ResultsFile.MaxRateStep step = target.steps().get(i);
                double v = stepRate(f, step);
                if (!(v > 0)) {
                    continue; // a failed unlimited step: nothing delivered, no place on a log scale
                }
                double cx = LEFT + band * (i + (t + 1.0) / (n + 1)); // targets side by side within a step's band
                double cy = y.at(v);
                d.append(d.length() == 0 ? "M" : "L").append(num(cx)).append(',').append(num(cy));
                Marker shape = step.rate() == 0 ? Marker.DIAMOND : step.meets() ? Marker.DOT : Marker.RING;
                shape.draw(points, cx, cy, colour, "mark point", stepTitle(f, targets.get(t), i, step));
                if (step == best) {
                    label(labels, cx, cy, String.format(Locale.ROOT, "max %,d/s", target.maxRate()));
                }
                lastX = cx;
                lastY = cy;
            }
            h.append("<path class=\"mark series\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\"")
                    .append(dash(t)).append(" d=\"").append(d).append("\"><title>").append(esc(targets.get(t)))
                    .append("</title></path>\n").append(points);
            if (best == null) {
                label(labels, lastX, lastY, "no rate met the target");
            }
        }
        h.append(labels);
        c.legend(legend);
        c.end();
    }

    /** The rate a step is drawn at: the rate it ran at, or for the unlimited step what it delivered (0 when it failed). */
    private static double stepRate(ResultsFile f, ResultsFile.MaxRateStep step) {
        return step.rate() > 0 ? step.rate() : finiteOrZero(f.results().get(step.result()).msgsPerSec());
    }

    /** A step's tooltip: what it asked, delivered and measured, and whether it met the target. */
    private static String stepTitle(ResultsFile f, String target, int i, ResultsFile.MaxRateStep step) {
        ResultsFile.Result r = f.results().get(step.result());
        String asked = step.rate() == 0 ? "unlimited rate (the ceiling)" : String.format(Locale.ROOT, "%,d msgs/s", step.rate());
        String verdict = step.rate() == 0 ? (step.meets() ? "" : ": failed (" + step.why() + ")")
                : step.meets() ? ": meets" : ": misses (" + step.why() + ")";
        return String.format(Locale.ROOT, "%s step %d: %s, delivered %s msgs/s, p99 %s%s", target, i + 1, asked,
                HtmlText.fixed(r.msgsPerSec(), "%,.0f"), micros(r.p99()), verdict);
    }

    /** A label beside the point at (x, y), on its left where it would run into the legend. */
    private static void label(StringBuilder h, double x, double y, String text) {
        boolean left = x > RIGHT - 130;
        h.append("<text class=\"halo\" x=\"").append(num(left ? x - 9 : x + 9)).append("\" y=\"").append(num(y - 8)).append('"')
                .append(left ? " text-anchor=\"end\"" : "").append('>').append(esc(text)).append("</text>\n");
    }
}
