package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.report.ResultsDiff;
import io.sluice.benchmarks.perf.report.ResultsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-perf diff OLD.json NEW.json}: what changed between two {@code --json} results files of the same
 * workload, per target and metric, and whether it exceeds the noise the rounds of {@code --repeat} show
 * ({@link ResultsDiff} has the rule). Made for a CI step that compares a build against a baseline: exit code 1 when a
 * metric regressed beyond its threshold, 0 when nothing did, 2 when the files cannot be compared (unreadable, not
 * results, a tune sweep or a max-rate search, different workloads, no target in common), with one line naming the file
 * and what is wrong.
 */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compares two JSON results files (of run or compare --json) of the same workload: per target and"
                + " metric, old and new median [min-max], the change, and whether it is a regression, an improvement or"
                + " within the noise of the rounds (--repeat). Exit code 1 on a regression beyond the thresholds,"
                + " 2 when the files cannot be compared.")
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The baseline's JSON results.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW", description = "The JSON results to judge against the baseline.")
    Path newFile;

    @Option(names = "--threshold", paramLabel = "PERCENT", defaultValue = "10%",
            converter = Converters.PercentConverter.class,
            description = "How far throughput may fall between the closest rounds of OLD and NEW before it is a"
                    + " regression, below 100% (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--latency-threshold", paramLabel = "PERCENT", defaultValue = "100%",
            converter = Converters.PercentConverter.class,
            description = "How far a latency percentile may rise between the closest rounds of OLD and NEW before it is"
                    + " a regression; larger than throughput's because tails are mostly the machine's stalls"
                    + " (default: ${DEFAULT-VALUE}, i.e. doubled).")
    double latencyThreshold;

    @Override
    public Integer call() {
        if (threshold >= 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--threshold': must be below 100%"
                    + " (throughput cannot fall by more), was " + Math.round(threshold * 100) + "%");
        }
        ResultsDiff.Thresholds thresholds = new ResultsDiff.Thresholds(threshold, latencyThreshold);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ResultsFile old;
        ResultsFile now;
        try {
            old = read(oldFile);
            now = read(newFile);
        } catch (Unreadable e) {
            return fail(err, e.file + ": " + e.getMessage());
        }
        List<String> differences = ResultsDiff.workloadDifferences(old, now);
        if (!differences.isEmpty()) {
            return fail(err, oldFile + " and " + newFile + " ran different workloads, not comparable: "
                    + String.join(", ", differences));
        }
        ResultsDiff diff = ResultsDiff.of(old, now, thresholds);
        if (diff.nothingInCommon()) {
            return fail(err, oldFile + " and " + newFile + " have no target in common");
        }
        out.println("sluice-perf diff: " + oldFile + " -> " + newFile);
        out.println();
        out.print(diff.table().render());
        out.println();
        diff.notes().forEach(out::println);
        out.flush();
        return diff.regressed() ? 1 : 0;
    }

    /** The results file, or {@link Unreadable} naming what is wrong with it. */
    private static ResultsFile read(Path file) throws Unreadable {
        ResultsFile results;
        try {
            results = ResultsFile.read(file);
        } catch (NoSuchFileException e) {
            throw new Unreadable(file, "no such file");
        } catch (IOException e) {
            throw new Unreadable(file, "cannot read: " + e);
        } catch (IllegalArgumentException e) {
            throw new Unreadable(file, e.getMessage());
        }
        String why = ResultsDiff.notDiffable(results);
        if (why != null) {
            throw new Unreadable(file, why);
        }
        return results;
    }

    private static int fail(PrintWriter err, String message) {
        err.println("sluice-perf diff: " + message.replace('\n', ' '));
        err.flush();
        return 2;
    }

    /** A file that cannot be diffed, and why. */
    private static final class Unreadable extends Exception {
        final Path file;

        Unreadable(Path file, String message) {
            super(message, null, false, false);
            this.file = file;
        }
    }
}
