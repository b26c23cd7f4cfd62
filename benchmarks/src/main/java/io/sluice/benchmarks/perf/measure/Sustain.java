package io.sluice.benchmarks.perf.measure;

import java.util.List;
import java.util.Locale;

/**
 * Whether a target kept up with a fixed rate ({@code --rate}). One that did not has its records wait for the
 * schedule's backlog, and their "latency" is that lag growing through the run: its percentiles must not be printed as
 * latency. A target cannot sustain the rate when either
 * <ul>
 * <li>it delivered under {@value #MIN_SHARE_PERCENT}% of the rate (distinct records received per second, first send to
 *     last receipt: a target that falls behind stretches the run), or</li>
 * <li>its backlog (records sent and not yet received, sampled each second while sending) grows: the mean of the last
 *     third of the samples exceeds twice the mean of the first third by more than a tenth of a second of the rate.
 *     A target that keeps up holds its backlog level at rate times latency; the tenth of a second keeps a brief
 *     stall near the end from counting as growth.</li>
 * </ul>
 */
final class Sustain {
    /** The least share of the asked rate a target must deliver. */
    static final int MIN_SHARE_PERCENT = 97;

    private Sustain() {
    }

    /**
     * Why a target could not sustain {@code rate}, or null when it did.
     *
     * @param achieved records received per second
     * @param backlog  records sent and not yet received, once a second while sending
     */
    static String judge(long rate, double achieved, List<Long> backlog) {
        if (rate <= 0) {
            return null;
        }
        if (achieved < rate * MIN_SHARE_PERCENT / 100.0) {
            return String.format(Locale.ROOT, "cannot sustain %,d msgs/s: delivered %,.0f msgs/s (%.0f%%, under %d%%)",
                    rate, achieved, 100 * achieved / rate, MIN_SHARE_PERCENT);
        }
        int third = backlog.size() / 3;
        if (third >= 1) {
            double first = mean(backlog.subList(0, third));
            double last = mean(backlog.subList(backlog.size() - third, backlog.size()));
            if (last > 2 * first + rate / 10.0) {
                return String.format(Locale.ROOT, "cannot sustain %,d msgs/s: its backlog grew from %,.0f to %,.0f records"
                        + " (means of the first and last third of the run)", rate, first, last);
            }
        }
        return null;
    }

    private static double mean(List<Long> values) {
        double sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum / values.size();
    }
}
