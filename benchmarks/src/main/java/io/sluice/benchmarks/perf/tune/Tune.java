package io.sluice.benchmarks.perf.tune;

import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Stats;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The outcome of {@code sluice-perf tune} ({@link Tuner}): every run in the order it ran (the default, the
 * search trials, then the confirmation runs), the configuration recommended and why. {@code JsonReport} writes it
 * as the {@code "tune"} section, one trial entry per result.
 *
 * <p>{@code defaultIndex} and {@code recommendedIndex} point at the <em>confirmation</em> runs when a
 * confirmation ran: at the run with the median {@linkplain Trial#score() score} (throughput, or max rate) among the
 * default's (resp. the recommended configuration's) confirmation runs. When none ran (the search kept the default)
 * both point at trial 0, the default's own trial.
 *
 * @param target           the target's name
 * @param objective        what the search maximised ({@code --objective})
 * @param p99Target        the latency target ({@code --p99-target}), or null when none was given (never under
 *                         {@link Objective#MAX_RATE})
 * @param trials           every run in order; {@code trials.get(i).index() == i}
 * @param defaultIndex     the default configuration's representative run (see above)
 * @param recommendedIndex the recommended configuration's representative run (see above); null when the default
 *                         failed and nothing can be recommended
 * @param outcome          how the recommendation came about
 * @param nothingMeets     true when a p99 target was given and the recommended configuration misses it: no
 *                         configuration met it, and the one with the lowest p99 is recommended instead
 * @param confirmation     the medians of the confirmation runs, or null when none ran
 * @param skipped          neighbour values the target rejected, one note each, in the order they came up
 * @param exhausted        true when the search stopped at {@code --max-trials} rather than after a pass without a move
 */
public record Tune(String target, Objective objective, Duration p99Target, List<Trial> trials, int defaultIndex,
            Integer recommendedIndex, Outcome outcome, boolean nothingMeets, Confirmation confirmation, List<String> skipped,
            boolean exhausted) {

    public Tune {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(objective, "objective");
        trials = List.copyOf(trials);
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * What a trial scores ({@code --objective}): the search climbs, and the confirmation compares, this score among
     * the configurations that meet the p99 target.
     */
    public enum Objective {
        /** Each trial is one run at the workload's rate (unlimited by default); it scores its throughput. */
        THROUGHPUT,
        /**
         * Each trial is a max-rate search ({@code MaxRateSearch}) on one opening of the target; it scores the highest
         * fixed rate whose p99 stays under the target, 0 when none did. It needs a p99 target, and takes several
         * windows per trial.
         */
        MAX_RATE;

        /** The name on the command line: {@code throughput}, {@code max-rate}. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses a command-line name (case-insensitive; {@code _} and {@code -} alike). */
        public static Objective parse(String name) {
            String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Objective o : values()) {
                if (o.name().equals(n)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown objective '" + name + "'; known: "
                    + Arrays.stream(values()).map(Objective::cliName).collect(Collectors.joining(", ")));
        }
    }

    /** How the recommendation came about. */
    public enum Outcome {
        /** The default configuration's run failed: there is nothing to compare with and nothing is recommended. */
        DEFAULT_FAILED,
        /** No configuration the search tried beat the default, so it is recommended without a confirmation. */
        KEPT_DEFAULT,
        /** The search's best configuration beat the default again when both were re-measured: it is recommended. */
        CONFIRMED,
        /** The search's best configuration did not beat the default when both were re-measured: the default is recommended. */
        NOT_CONFIRMED
    }

    /** Why a run ran. */
    public enum Role {
        /** The starting configuration, measured first. */
        DEFAULT("default"),
        /** A neighbour the search measured. */
        SEARCH("search"),
        /** A re-measurement of the default at the end. */
        CONFIRM_DEFAULT("confirm default"),
        /** A re-measurement of the search's best configuration at the end. */
        CONFIRM_BEST("confirm best");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        /** Lower case, for tables. */
        public String label() {
            return label;
        }

        public boolean confirmation() {
            return this == CONFIRM_DEFAULT || this == CONFIRM_BEST;
        }
    }

    /**
     * One configuration's max-rate search ({@link Objective#MAX_RATE}): what the trial scores and how it got there.
     *
     * @param rate    the highest fixed rate (msgs/s) whose p99 stayed under the target, nothing lost; 0 when none did
     * @param ceiling what the unlimited-rate first step delivered (msgs/s; 0 when it did not finish)
     * @param steps   the steps run, the unlimited one and a failed one included
     * @param ended   why the search stopped
     */
    public record MaxRate(long rate, double ceiling, int steps, String ended) {
        /** Whether some rate met the target. */
        public boolean met() {
            return rate > 0;
        }
    }

    /**
     * One run of a configuration: under {@link Objective#THROUGHPUT} a single run, under {@link Objective#MAX_RATE}
     * a max-rate search.
     *
     * @param index     its position in {@link Tune#trials()} (and in the JSON results)
     * @param role      why it ran
     * @param workload  the configuration
     * @param result    what was measured; under max-rate the step at the max rate, or the last step when none met the
     *                  target (a failed search's failure)
     * @param meetsP99  the run finished and its p99 is within the target (always true for a finished run without a
     *                  target); under max-rate: some rate met the target
     * @param change    what differs from the configuration it was derived from, e.g. {@code --partitions 4 -> 8}; or the role
     * @param maxRate   the max-rate search, or null under {@link Objective#THROUGHPUT}
     */
    public record Trial(int index, Role role, Workload workload, RunResult result, boolean meetsP99, String change, MaxRate maxRate) {

        /** A trial of {@link Objective#THROUGHPUT}: one run, no max-rate search. */
        public Trial(int index, Role role, Workload workload, RunResult result, boolean meetsP99, String change) {
            this(index, role, workload, result, meetsP99, change, null);
        }

        /**
         * What the objective counts, in msgs/s: the throughput, or under max-rate the max rate; 0 for a failed run or
         * when no rate met the target.
         */
        public double score() {
            if (result.failed()) {
                return 0;
            }
            return maxRate == null ? result.msgsPerSec() : maxRate.rate();
        }

        /**
         * The p99 the comparison uses, in microseconds: the run's, or under max-rate the p99 at the max rate;
         * infinite for a failed run or when no rate met the target.
         */
        public double p99Micros() {
            if (result.failed() || maxRate != null && !maxRate.met()) {
                return Double.POSITIVE_INFINITY;
            }
            return result.latency().p99();
        }
    }

    /**
     * A summary of several runs of one configuration; failed runs count as 0 msgs/s and an infinite p99.
     *
     * @param msgsPerSec median {@linkplain Trial#score() score}: throughput, or under max-rate the max rate
     * @param p99Micros  median {@linkplain Trial#p99Micros() p99} in microseconds ({@code Infinity} when most runs failed
     *                   or, under max-rate, met the target at no rate)
     * @param meets      the median p99 is finite and within the target
     */
    public record Stats(double msgsPerSec, double p99Micros, boolean meets) {
    }

    /**
     * The re-measurement of the default and the search's best configuration, alternated.
     *
     * @param candidate   the search's best configuration
     * @param defaults    the default's medians
     * @param best        the candidate's medians
     * @param defaultRuns indexes of the default's confirmation runs
     * @param bestRuns    indexes of the candidate's confirmation runs
     */
    public record Confirmation(Workload candidate, Stats defaults, Stats best, List<Integer> defaultRuns, List<Integer> bestRuns) {
        public Confirmation {
            defaultRuns = List.copyOf(defaultRuns);
            bestRuns = List.copyOf(bestRuns);
        }
    }

    /** Every run's result, in order (the JSON {@code "results"}). */
    public List<RunResult> results() {
        return trials.stream().map(Trial::result).toList();
    }

    /** The default configuration (the first trial's). */
    public Workload defaultWorkload() {
        return trials.get(0).workload();
    }

    /** The recommended configuration, or null when nothing is recommended. */
    public Workload recommended() {
        return recommendedIndex == null ? null : trials.get(recommendedIndex).workload();
    }

    /** The search's own measurements: the default's trial and the neighbours (the confirmation runs excluded). */
    public long searchTrials() {
        return trials.stream().filter(t -> !t.role().confirmation()).count();
    }
}
