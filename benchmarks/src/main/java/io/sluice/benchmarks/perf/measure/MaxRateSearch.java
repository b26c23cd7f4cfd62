package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The highest rate a target sustains with its p99 latency under a target ({@code max-rate}), searched step by step
 * on one opening of the target ({@link PerfRunner#runSteps}), each step a whole measurement window at one fixed rate.
 *
 * <p>Where OpenMessaging Benchmark's rate search is known to go wrong, this one does not:
 * <ul>
 *   <li>It cannot settle above what the producers reach: its first step runs at an unlimited rate, and that step's
 *       throughput (the ceiling) is the highest rate it tries.</li>
 *   <li>It cannot collapse to a trivial rate on one bad step: a step that misses is run again at the same rate, and
 *       only a second miss lowers the bound (a 100 ms stall of this machine fails one window, not two in a row).</li>
 *   <li>Latency counts from each record's intended send time (no coordinated omission), a step whose backlog grows or
 *       that delivers under 97% of its rate misses ({@link Sustain}), and so does one that lost or duplicated a
 *       record.</li>
 *   <li>It knows its phases: the warm-up before the first step is not measured, and each later step is preceded by an
 *       unmeasured settle at its own rate.</li>
 * </ul>
 * The first fixed rate is half the ceiling; below the lowest passing rate nothing is tried again, above the lowest
 * confirmed miss neither; the next rate is their geometric mean, and a quarter of the lowest confirmed miss while
 * nothing passed yet (a target far from the p99 target, as Kafka at its 5 ms {@code linger.ms} for a 10 ms p99, reaches
 * a passing rate in half the steps halving would take; the bisection that follows closes the wider gap in one step
 * more).
 * It stops when the bounds are within {@code precision} of each other, when the highest passing rate is within
 * {@code precision} of the ceiling, at {@code maxSteps} steps, or below a thousandth of the ceiling (then nothing
 * passed: the target misses the p99 target at any rate worth the name).
 */
public final class MaxRateSearch {
    private final Workload base;
    private final Duration p99Target;
    private final double precision;
    private final int maxSteps;
    private final List<Step> steps = new ArrayList<>();
    private double ceiling;
    private long highestMet;
    private long lowestMissed;
    /** A rate that missed once and is being run again. */
    private long confirming;
    private String ended;

    /**
     * One step of the search.
     *
     * @param rate   the fixed rate, or 0 for the unlimited first step
     * @param result what the step measured
     * @param why    why it missed (for the unlimited step: why it failed), or null
     */
    public record Step(long rate, RunResult result, String why) {
        /** Whether it met the p99 target with nothing lost (the unlimited step: whether it ran). */
        public boolean meets() {
            return why == null;
        }

        /** One line for humans. */
        public String describe() {
            String at = rate == 0 ? "unlimited rate (the ceiling)" : String.format(Locale.ROOT, "%,d msgs/s", rate);
            return String.format(Locale.ROOT, "%s: delivered %,.0f msgs/s, p99 %s%s", at, result.msgsPerSec(),
                    result.failed() ? "n/a" : String.format(Locale.ROOT, "%.2f ms", result.latency().p99() / 1e3),
                    rate == 0 ? "" : meets() ? ": meets" : ": misses (" + why + ")");
        }
    }

    /**
     * @param base      the workload of every step, whose rate and length the search sets (each step runs {@code window})
     * @param p99Target the p99 latency a rate must keep under
     * @param precision how close the bounds must come, e.g. 0.05 for 5%
     * @param maxSteps  the most steps, the unlimited one included
     */
    public MaxRateSearch(Workload base, Duration window, Duration p99Target, double precision, int maxSteps) {
        check(p99Target, precision, maxSteps);
        this.base = base.toBuilder().profile(null).count(0).duration(window).rate(0).build();
        this.p99Target = p99Target;
        this.precision = precision;
        this.maxSteps = maxSteps;
    }

    /**
     * Checks a search's settings, as the constructor does, before any target is opened.
     *
     * @throws IllegalArgumentException naming the option ({@code --p99}, {@code --precision}, {@code --max-steps})
     */
    public static void check(Duration p99Target, double precision, int maxSteps) {
        if (p99Target.isNegative() || p99Target.isZero()) {
            throw new IllegalArgumentException("--p99 must be positive, was " + p99Target);
        }
        if (!(precision > 0) || precision >= 1) {
            throw new IllegalArgumentException("--precision must be between 0 and 100%, was " + precision * 100 + "%");
        }
        if (maxSteps < 3) {
            throw new IllegalArgumentException("--max-steps must be at least 3 (the ceiling and two rates), was " + maxSteps);
        }
    }

    /**
     * The next step's workload given the previous step's result (null before the first), or null when the search is
     * over; for {@link PerfRunner#runSteps}.
     */
    public Workload next(RunResult previous) {
        if (previous == null) {
            return base;
        }
        long rate = previous.workload().rate();
        if (rate == 0) {
            steps.add(new Step(0, previous, previous.failed() ? String.valueOf(previous.error()) : null));
            if (previous.failed() || previous.msgsPerSec() <= 0) {
                ended = "the unlimited-rate step failed: " + previous.error();
                return null;
            }
            ceiling = previous.msgsPerSec();
            lowestMissed = (long) Math.ceil(ceiling); // never tried above: what the producers reached
            return at(Math.round(ceiling / 2));
        }
        String why = missed(previous);
        steps.add(new Step(rate, previous, why));
        if (why == null) {
            highestMet = Math.max(highestMet, rate);
            confirming = 0;
        } else if (confirming != rate) {
            confirming = rate; // one miss may be the machine's: run it again before lowering the bound
            return steps.size() < maxSteps ? at(rate) : end("at " + maxSteps + " steps");
        } else {
            lowestMissed = Math.min(lowestMissed, rate);
            confirming = 0;
        }
        if (steps.size() >= maxSteps) {
            return end("at " + maxSteps + " steps");
        }
        if (highestMet > 0 && lowestMissed <= highestMet * (1 + precision)) {
            return end(String.format(Locale.ROOT, "the bounds are within %.0f%%", precision * 100));
        }
        long nextRate = highestMet == 0 ? lowestMissed / 4 : Math.round(Math.sqrt((double) highestMet * lowestMissed));
        if (highestMet == 0 && nextRate < ceiling / 1000) {
            return end("nothing met the p99 target down to a thousandth of the ceiling");
        }
        if (nextRate <= highestMet || nextRate >= lowestMissed) {
            return end("no rate left between the bounds");
        }
        return at(nextRate);
    }

    private Workload at(long rate) {
        return base.toBuilder().rate(Math.max(1, rate)).build();
    }

    private Workload end(String why) {
        ended = why;
        return null;
    }

    /** Why a fixed-rate step missed, or null when it met the target with nothing lost. */
    private String missed(RunResult r) {
        if (r.failed()) {
            return "failed: " + r.error();
        }
        if (r.lost() > 0 || r.duplicated() > 0) {
            return String.format(Locale.ROOT, "lost %,d, duplicated %,d", r.lost(), r.duplicated());
        }
        if (!r.sustained()) {
            return r.cannotSustain();
        }
        double p99Ms = r.latency().p99() / 1e3;
        if (r.latency().p99() * 1e3 > p99Target.toNanos()) {
            return String.format(Locale.ROOT, "p99 %.2f ms over %.2f ms", p99Ms, p99Target.toNanos() / 1e6);
        }
        return null;
    }

    /** The steps so far, in order. */
    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /** The highest rate that met the target (msgs/s), or 0 when none did. */
    public long maxRate() {
        return highestMet;
    }

    /** What the unlimited-rate step delivered: the most the search tries. */
    public double ceiling() {
        return ceiling;
    }

    /** The step that ran at {@link #maxRate()}, or null. */
    public Step best() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).meets() && steps.get(i).rate() == highestMet && highestMet > 0) {
                return steps.get(i);
            }
        }
        return null;
    }

    /** Why the search stopped, or null while it runs. */
    public String ended() {
        return ended;
    }
}
