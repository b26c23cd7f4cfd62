package io.sluice.benchmarks.perf.measure;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of a run in microseconds, from an HdrHistogram of nanoseconds.
 *
 * @param count the number of values recorded
 */
public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {

    /** The highest latency a histogram tracks: larger values are recorded as this (10 minutes). */
    public static final long HIGHEST_TRACKABLE_NANOS = 600_000_000_000L;

    /** No values. */
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0, 0);

    /** A histogram of nanoseconds with 3 significant digits, for {@link #record(Histogram, long)}. */
    public static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_TRACKABLE_NANOS, 3);
    }

    /** Records {@code nanos}, clamped into {@code [0, HIGHEST_TRACKABLE_NANOS]}. */
    public static void record(Histogram h, long nanos) {
        h.recordValue(nanos < 0 ? 0 : Math.min(nanos, HIGHEST_TRACKABLE_NANOS));
    }

    /** The percentiles of a histogram of nanoseconds. */
    public static Latency of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return NONE;
        }
        return new Latency(nanos.getTotalCount(),
                us(nanos.getValueAtPercentile(50)), us(nanos.getValueAtPercentile(90)), us(nanos.getValueAtPercentile(99)),
                us(nanos.getValueAtPercentile(99.9)), us(nanos.getMaxValue()), nanos.getMean() / 1e3);
    }

    private static double us(long nanos) {
        return nanos / 1e3;
    }
}
