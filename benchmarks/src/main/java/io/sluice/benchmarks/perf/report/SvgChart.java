package io.sluice.benchmarks.perf.report;

import static io.sluice.benchmarks.perf.report.HtmlText.esc;
import static io.sluice.benchmarks.perf.report.HtmlText.num;

import java.util.ArrayList;
import java.util.List;

/**
 * One chart of the report being written as inline SVG: the {@code <svg class="chart">} element with its id and size,
 * title, axes with grid lines, a legend on the right and the frame of a chart with nothing to show; the caller
 * ({@link ResultCharts}) draws the marks between the axes and {@link #end}. Also the geometry every chart shares,
 * the series colours and dashes, the point {@link Marker}s, and {@link Scale}, which maps values to pixels (rates on
 * a log scale when they span over ten times: {@link Scale#rates}).
 */
final class SvgChart {
    /** Series colours (colour-blind-friendly first). */
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf"};

    // the geometry of every chart: the plot area, and the legend on its right
    static final int WIDTH = 960;
    static final int HEIGHT = 360;
    static final int LEFT = 80;
    static final int RIGHT = WIDTH - 220;
    static final int TOP = 44;
    static final int LEGEND_ROW = 18;

    final StringBuilder h;
    final int height;
    final int bottom;

    SvgChart(StringBuilder h, String id, String title, String subtitle, int legendRows) {
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

    /**
     * A y axis of rates: SI ticks (10k, 1M) and a title naming the unit, with "log scale" when {@code y} is one (see
     * {@link Scale#rates}), so that the reader knows equal steps are factors.
     */
    void yRateAxis(Scale y, String title) {
        yAxis(y, HtmlText::si, Scale.rateTitle(title, y));
    }

    /** An x axis of rates, as {@link #yRateAxis}. */
    void xRateAxis(Scale x, String title) {
        xAxis(x, HtmlText::si, Scale.rateTitle(title, x));
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
                if (e.marker() != null) {
                    e.marker().draw(h, x + 11, y, e.colour(), "legend-mark", null);
                } else if (e.outline()) {
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

    /**
     * A legend entry: a swatch (a line, a box, an outlined box, or a chart's {@link Marker}) and a label, or a note
     * instead of the swatch.
     */
    record Legend(String label, String colour, boolean outline, String note, int index, Marker marker) {
        Legend(String label, String colour, boolean outline) {
            this(label, colour, outline, null, -1, null);
        }

        Legend(String label, String colour, boolean outline, String note, int index) {
            this(label, colour, outline, note, index, null);
        }

        /** An entry whose swatch is {@code marker}, as the chart draws its points. */
        static Legend of(Marker marker, String label, String colour) {
            return new Legend(label, colour, false, null, -1, marker);
        }
    }

    /**
     * The shape of a point: a filled dot, a hollow ring (white inside, a ring of the colour) or a filled diamond. Drawn
     * the same in the plot and in the legend, so that what a shape means reads off the legend.
     */
    enum Marker {
        DOT, RING, DIAMOND;

        /** Appends the shape centred on (cx, cy) in {@code colour}, of CSS class {@code cls}, with a tooltip unless null. */
        void draw(StringBuilder h, double cx, double cy, String colour, String cls, String title) {
            String tag = this == DIAMOND ? "path" : "circle";
            h.append('<').append(tag).append(" class=\"").append(cls).append('"');
            switch (this) {
                case DOT -> h.append(" cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"4.5\" fill=\"")
                        .append(colour).append('"');
                case RING -> h.append(" cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy))
                        .append("\" r=\"4\" fill=\"#fff\" stroke=\"").append(colour).append("\" stroke-width=\"2\"");
                default -> h.append(" d=\"M").append(num(cx)).append(',').append(num(cy - 6.5)).append("L").append(num(cx + 6.5))
                        .append(',').append(num(cy)).append("L").append(num(cx)).append(',').append(num(cy + 6.5)).append("L")
                        .append(num(cx - 6.5)).append(',').append(num(cy)).append("Z\" fill=\"").append(colour).append('"');
            }
            h.append('>');
            if (title != null) {
                h.append("<title>").append(esc(title)).append("</title>");
            }
            h.append("</").append(tag).append(">\n");
        }
    }

    /** The legend of one series per label: a line in the series' colour and dash, or its note instead. */
    static List<Legend> legend(List<String> labels, List<String> notes) {
        List<Legend> legend = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            legend.add(new Legend(labels.get(i), colour(i), false, notes.get(i), i));
        }
        return legend;
    }

    /** Maps values to pixels, linearly or on a log10 scale, and picks round tick values. */
    record Scale(double lo, double hi, double from, double to, boolean log) {
        static Scale linear(double lo, double hi, double from, double to) {
            double step = niceStep(hi - lo);
            return new Scale(lo, Math.ceil(hi / step - 1e-9) * step, from, to, false);
        }

        /**
         * A scale for rates (records/s) from {@code lo}, the smallest non-zero one (0 when there is none), to
         * {@code hi}: log10 when {@code hi} is over ten times {@code lo}, so that a peer at 20,000/s and Sluice at
         * 3,000,000/s are both readable (decade ticks: 10k, 100k, 1M, 10M), else linear from 0. Zeros then sit on the
         * axis.
         */
        static Scale rates(double lo, double hi, double from, double to) {
            if (lo > 0 && hi > 10 * lo) {
                return log(lo, hi, from, to);
            }
            return linear(0, hi > 0 ? hi : 1, from, to);
        }

        /** The title of a rate axis: {@code what (records/s)}, or {@code what (records/s, log scale)}. */
        static String rateTitle(String what, Scale s) {
            return what + (s.log() ? " (records/s, log scale)" : " (records/s)");
        }

        /** From the power of ten below {@code lo} to the one above {@code hi}. */
        static Scale log(double lo, double hi, double from, double to) {
            double a = Math.floor(Math.log10(lo));
            double b = Math.ceil(Math.log10(hi));
            return new Scale(Math.pow(10, a), Math.pow(10, b == a ? a + 1 : b), from, to, true);
        }

        /** Where {@code v} is, in pixels; on a log scale, 0 and below are at the scale's start (the axis). */
        double at(double v) {
            if (log && !(v > 0)) {
                return from;
            }
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

    /** The colour of series {@code i}. */
    static String colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** Solid for the first ten series, then dashed and dotted, so that repeated colours stay apart. */
    static String dash(int i) {
        return switch (i / PALETTE.length % 3) {
            case 0 -> "";
            case 1 -> " stroke-dasharray=\"8 4\"";
            default -> " stroke-dasharray=\"2 3\"";
        };
    }
}
