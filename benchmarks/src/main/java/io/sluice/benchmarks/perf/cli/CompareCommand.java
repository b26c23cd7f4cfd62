package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.Rounds;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.workload.Workload;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice-perf compare}: the same workload against several targets, one after another, side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the same workload against each target in turn (in this JVM) and prints them side by side,"
                + " with ratios against the first target; --repeat runs them several times in alternating order and prints"
                + " medians with min-max.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--targets", paramLabel = "NAME", split = ",", defaultValue = "reactor-raw,sluice-embedded",
            converter = Converters.TargetConverter.class,
            description = "Comma-separated targets (reactor-raw, sluice-embedded, sluice-tcp, sluice-kafka, sluice-h2, sluice-postgres, kafka, rabbitmq, nats, ...); the first is the baseline of the ratios (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Rounds: every target runs N times, in alternating order (A B C, C B A, ...); the table shows"
                    + " medians with min-max and medians of the per-round ratios (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    WorkloadOptions options;

    @Override
    public Integer call() {
        Workload workload = options.workload();
        PerfRunner.Settings settings = options.settings();
        options.requireRepeat(repeat);
        List<String> names = List.copyOf(new LinkedHashSet<>(targets));
        PrintWriter out = spec.commandLine().getOut();
        out.println("sluice-perf compare: " + String.join(" vs ", names));
        for (String name : names) {
            Target t = options.target(name, workload);
            out.println("  " + t.name() + ": " + t.description());
        }
        options.printWorkload(out, workload);
        out.flush();
        PerfRunner runner = new PerfRunner(settings);
        List<List<RunResult>> rounds = Rounds.run(names, repeat, name -> runner.run(options.target(name, workload), workload),
                settings.progress());
        RunCommand.print(out, rounds);
        boolean written = options.writeJson(workload, rounds, out);
        return rounds.stream().flatMap(List::stream).anyMatch(RunResult::failed) || !written ? 1 : 0;
    }
}
