package io.sluice.benchmarks.perf.measure;

import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The statistics of repeated runs: the median, and the median with the spread, as reports print them. */
public final class Stats {
    private Stats() {
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@code median [min-max]} with each number in {@code format}; the median alone for one value. */
    public static String spread(List<Double> values, String format) {
        String median = String.format(Locale.ROOT, format, median(values));
        if (values.size() == 1) {
            return median;
        }
        return median + " [" + String.format(Locale.ROOT, format, Collections.min(values)) + "-"
                + String.format(Locale.ROOT, format, Collections.max(values)) + "]";
    }
}
