package io.sluice.benchmarks.perf.report;

import java.util.Locale;

/**
 * How values read on the report page: HTML escaping, latencies with the unit that reads best, axis numbers, counts,
 * a tune trial's knobs and role. Shared by the page ({@link HtmlReport}) and its charts ({@link ResultCharts},
 * {@link SvgChart}), so that a number reads the same in a table and in a chart's tooltip.
 */
final class HtmlText {
    private HtmlText() {
    }

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

    static String fixed(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "n/a";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code v}, or 0 for NaN and the infinities (how the results file writes a number it did not have). */
    static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** A coordinate in the SVG: one decimal. */
    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A trial's knobs in one line: {@code prefetch 512, concurrency 1, batch 65536 B, linger 0 ms, 4 partitions}. */
    static String knobs(ResultsFile.Trial t) {
        return String.format(Locale.ROOT, "prefetch %d, concurrency %d, batch %d B, linger %s ms, %d partitions",
                t.prefetch(), t.concurrency(), t.batchSize(), trim(t.lingerMs()), t.partitions());
    }

    /** What trial {@code i} is in the sweep, for labels: {@code " (default)"}, {@code " (recommended)"}, both, or "". */
    static String role(ResultsFile.Tune t, int i) {
        boolean d = t.defaults() == i;
        boolean r = t.recommended() != null && t.recommended() == i;
        return d && r ? " (default, recommended)" : d ? " (default)" : r ? " (recommended)" : "";
    }
}
