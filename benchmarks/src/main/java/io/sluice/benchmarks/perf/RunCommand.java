package io.sluice.benchmarks.perf;

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
            converter = WorkloadOptions.TargetConverter.class,
            description = "reactor-raw, sluice-embedded, kafka, rabbitmq or nats (default: ${DEFAULT-VALUE}).")
    String target;

    @Mixin
    WorkloadOptions options;

    @Override
    public Integer call() {
        Workload workload = options.workload();
        PerfRunner.Settings settings = options.settings();
        Target t = options.target(target, workload);
        PrintWriter out = spec.commandLine().getOut();
        out.println("sluice-perf run: " + t.name() + " (" + t.description() + ")");
        out.println("workload: " + workload.describe());
        out.flush();
        RunResult result = new PerfRunner(settings).run(t, workload);
        print(out, List.of(result));
        boolean written = options.writeJson(workload, List.of(result), out);
        return result.failed() || !written ? 1 : 0;
    }

    static void print(PrintWriter out, List<RunResult> results) {
        out.println();
        out.print(Report.table(results).render());
        out.println();
        for (RunResult r : results) {
            out.println(Report.summary(r));
        }
        out.flush();
    }
}
