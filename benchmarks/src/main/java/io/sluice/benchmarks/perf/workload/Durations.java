package io.sluice.benchmarks.perf.workload;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the durations of the command line: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 250us}, {@code PT10S}. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)?");

    private Durations() {
    }

    /**
     * A non-negative duration: a number with a unit (ns, us, ms, s, m, h; seconds when none) or ISO-8601.
     *
     * @throws IllegalArgumentException naming the text when it is not a non-negative duration
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.regionMatches(true, 0, "PT", 0, 2)) {
            try {
                Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
        } else {
            Matcher m = SIMPLE.matcher(s);
            if (m.matches()) {
                double value = Double.parseDouble(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                double nanos = switch (unit) {
                    case "ns" -> value;
                    case "us", "µs" -> value * 1e3;
                    case "ms" -> value * 1e6;
                    case "s" -> value * 1e9;
                    case "m" -> value * 60e9;
                    default -> value * 3600e9;
                };
                if (nanos < Long.MAX_VALUE) {
                    return Duration.ofNanos(Math.round(nanos));
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 500ms, 10s, 2m, 250us, PT1M)");
    }

    /** A short human form: {@code 0}, {@code 250us}, {@code 2ms}, {@code 1.5s}, {@code 20s}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos < 1_000_000) {
            return trim(nanos / 1e3) + "us";
        }
        if (nanos < 1_000_000_000) {
            return trim(nanos / 1e6) + "ms";
        }
        return trim(nanos / 1e9) + "s";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
