package io.sluice.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import reactor.core.publisher.Flux;

/**
 * One example: a picocli command whose {@link #run(Summary)} does the work, prints progress to {@link #out()} and
 * fills in the summary, which is printed at the end. Exit code 0 when every check in the summary holds, 1 when one
 * does not or the example failed (its error printed), 2 for a bad option (picocli's message for a value its converter
 * refuses, e.g. {@link Positive}, or the one an example gives {@link #badOption}).
 */
public abstract class Example implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private PrintWriter out;

    /** Does the example's work, printing progress with {@link #say} and its findings into {@code summary}. */
    protected abstract void run(Summary summary) throws Exception;

    @Override
    public final Integer call() {
        Summary summary = new Summary();
        int exit;
        try {
            run(summary);
            exit = summary.holds() ? 0 : 1;
        } catch (ParameterException e) {
            throw e; // a bad option: picocli prints it with the usage and exits with 2
        } catch (Exception e) {
            say("failed: %s", e);
            summary.put("error", e.toString());
            exit = 1;
        }
        summary.print(out());
        return exit;
    }

    /** A bad option (exit 2) that {@link #run} found, {@code message} naming the option and what is wrong. */
    protected final ParameterException badOption(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Where the example prints (standard output, or what a test gave the command line). */
    protected final PrintWriter out() {
        if (out == null) {
            out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        }
        return out;
    }

    /** Prints one line: {@code String.format} in the root locale, so numbers read the same everywhere. */
    protected final void say(String format, Object... args) {
        out().println(String.format(Locale.ROOT, format, args));
        out().flush();
    }

    /** {@code 12,345}, the same in every locale. */
    protected static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 1.5 ms}. */
    protected static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /** The nearest-rank percentile of sorted values ({@code percent} of them are at most it), 0 when there are none. */
    protected static long percentile(long[] sorted, double percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /**
     * Checks {@code condition} every 20 ms (on a Reactor timer thread: it must not block) until it holds or {@code max}
     * has passed; returns whether it held. The calling thread waits.
     */
    protected static boolean awaitUntil(BooleanSupplier condition, Duration max) {
        return Flux.interval(Duration.ofMillis(20)).map(tick -> condition.getAsBoolean()).takeUntil(held -> held)
                .take(max).last(false).block();
    }

    /** Deletes {@code root} and everything under it. */
    protected static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * For {@code @Option(converter = Positive.class)}: a whole number of at least 1; anything else is a bad option (exit
     * 2) whose message names the option and the value.
     */
    public static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(1, value);
        }
    }

    /** For {@code @Option(converter = NonNegative.class)}: a whole number of at least 0 (0 typically meaning "none"). */
    public static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(0, value);
        }
    }

    private static int atLeast(int least, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        if (n < least) {
            throw new TypeConversionException("must be at least " + least + ", was " + n);
        }
        return n;
    }
}
