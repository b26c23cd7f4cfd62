package io.sluice.benchmarks.perf.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code sluice-perf}, the perf lab's command line: {@code run} one workload against one target, or
 * {@code compare} several targets on the same workload (both {@code --repeat}-able in alternating rounds), check with
 * {@code parity} that each peer is driven as fast as its own benchmark tool drives it, {@code tune} the knobs of one
 * target, {@code report} JSON results as an HTML page with charts, or {@code diff} two JSON results to flag
 * regressions. Without a subcommand it runs a short demo,
 * {@code compare --targets reactor-raw,sluice-embedded --size 100 --duration 5s --warmup 2s --partitions 4}.
 *
 * <p>Exit codes: 0 success, 1 a run failed (for {@code diff}: a regression), 2 bad options or input (a one-line message
 * naming the option or the file).
 */
@Command(name = "sluice-perf", mixinStandardHelpOptions = true, version = "sluice-perf 0",
        subcommands = {RunCommand.class, CompareCommand.class, MaxRateCommand.class, CurveCommand.class, ParityCommand.class, TuneCommand.class,
                ReportCommand.class, DiffCommand.class, KeyedCommand.class,
                CommandLine.HelpCommand.class},
        description = "Measures message throughput, end-to-end latency and delivery reliability of Sluice and its peers, proves"
                + " each peer is driven as fast as its own tool drives it (parity), and tunes their knobs;"
                + " max-rate finds the highest rate within a p99 target and curve the latency at rates up to it; report turns JSON results into an HTML page with charts,"
                + " and diff flags what regressed between two of them."
                + " Without a command: a 5-second demo comparing reactor-raw and sluice-embedded.")
public final class SluicePerf implements Callable<Integer> {
    /** The arguments of the demo run when no subcommand is given. */
    static final String[] DEMO = {"compare", "--targets", "reactor-raw,sluice-embedded", "--size", "100", "--duration", "5s",
            "--warmup", "2s", "--partitions", "4"};

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with output to {@code out} and errors and progress to {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        WorkloadFile.install(cl, args);
        return cl.execute(args);
    }

    /** True when a person is watching: the JVM has a console (standard input and output are a terminal). */
    static boolean interactive() {
        return System.console() != null;
    }

    /** The configured command line: bad options print one line naming the option and exit with 2. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SluicePerf());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + " (see --help)");
            c.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
        return cl;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("No command given: running the demo, sluice-perf " + String.join(" ", DEMO));
        out.println("(sluice-perf --help lists the commands and options)");
        out.flush();
        return commandLine(out, spec.commandLine().getErr()).execute(DEMO);
    }
}
