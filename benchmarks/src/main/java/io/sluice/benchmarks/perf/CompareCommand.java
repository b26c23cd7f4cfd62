package io.sluice.benchmarks.perf;

import java.io.PrintWriter;
import java.util.ArrayList;
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
                + " with ratios against the first target.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--targets", paramLabel = "NAME", split = ",", defaultValue = "reactor-raw,sluice-embedded",
            converter = WorkloadOptions.TargetConverter.class,
            description = "Comma-separated targets (reactor-raw, sluice-embedded, kafka, rabbitmq, nats); the first is the baseline of the ratios (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @Mixin
    WorkloadOptions options;

    @Override
    public Integer call() {
        Workload workload = options.workload();
        PerfRunner.Settings settings = options.settings();
        List<Target> ts = new ArrayList<>();
        for (String name : new LinkedHashSet<>(targets)) {
            ts.add(options.target(name, workload));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("sluice-perf compare: " + String.join(" vs ", targets));
        for (Target t : ts) {
            out.println("  " + t.name() + ": " + t.description());
        }
        out.println("workload: " + workload.describe());
        out.flush();
        List<RunResult> results = new ArrayList<>();
        PerfRunner runner = new PerfRunner(settings);
        for (Target t : ts) {
            results.add(runner.run(t, workload));
        }
        RunCommand.print(out, results);
        boolean written = options.writeJson(workload, results, out);
        return results.stream().anyMatch(RunResult::failed) || !written ? 1 : 0;
    }
}
