package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.Rounds;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.report.Report;
import io.sluice.benchmarks.perf.targets.SluiceEmbeddedTarget;
import io.sluice.benchmarks.perf.workload.Workload;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice-perf run}: one workload against one target. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one workload against one target and prints throughput, latency percentiles and the reliability tally.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "NAME", defaultValue = SluiceEmbeddedTarget.NAME,
            converter = Converters.TargetConverter.class,
            description = "reactor-raw, sluice-embedded, sluice-tcp, sluice-kafka, sluice-h2, sluice-postgres, kafka, rabbitmq, nats, ... (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run N times; the table shows the median with min-max (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    WorkloadOptions options;

    @Override
    public Integer call() {
        Workload workload = options.workload();
        PerfRunner.Settings settings = options.settings();
        options.requireRepeat(repeat);
        Target t = options.target(target, workload);
        PrintWriter out = spec.commandLine().getOut();
        out.println("sluice-perf run: " + t.name() + " (" + t.description() + ")");
        options.printWorkload(out, workload);
        out.flush();
        PerfRunner runner = new PerfRunner(settings);
        List<List<RunResult>> rounds = Rounds.run(List.of(target), repeat, name -> runner.run(options.target(name, workload), workload),
                settings.progress());
        print(out, rounds);
        boolean written = options.writeJson(workload, rounds, out);
        return rounds.stream().flatMap(List::stream).anyMatch(RunResult::failed) || !written ? 1 : 0;
    }

    /** One round: its table; several: each round's throughput in a line, then the table of medians. Then every summary. */
    static void print(PrintWriter out, List<List<RunResult>> rounds) {
        out.println();
        if (rounds.size() == 1) {
            out.print(Report.table(rounds.get(0)).render());
        } else {
            for (int i = 0; i < rounds.size(); i++) {
                StringBuilder line = new StringBuilder("round " + (i + 1) + ":");
                for (RunResult r : rounds.get(i)) {
                    line.append(String.format(java.util.Locale.ROOT, "  %s %,.0f msgs/s%s", r.target(), r.msgsPerSec(),
                            r.failed() ? " (FAILED)" : r.sustained() ? "" : " (cannot sustain)"));
                }
                out.println(line);
            }
            out.println();
            out.print(Report.repeated(rounds).render());
        }
        out.println();
        for (List<RunResult> round : rounds) {
            for (RunResult r : round) {
                out.println(Report.summary(r));
            }
        }
        out.flush();
    }
}
