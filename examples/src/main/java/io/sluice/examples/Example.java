package io.sluice.examples;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * One example: a picocli command whose {@link #run(Summary)} does the work, prints progress to {@link #out()} and
 * fills in the summary, which is printed at the end. Exit code 0 when every check in the summary holds, 1 when one
 * does not or the example failed (its error printed), 2 for bad options (picocli's own message).
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
        } catch (Exception e) {
            say("failed: %s", e);
            summary.put("error", e.toString());
            exit = 1;
        }
        summary.print(out());
        return exit;
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
}
