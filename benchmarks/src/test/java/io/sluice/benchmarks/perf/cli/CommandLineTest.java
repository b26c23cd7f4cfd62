package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.workload.PartitionerKind;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private String errLine() {
        String e = err.toString();
        assertThat(e.strip().lines()).as("one line on stderr: %s", e).hasSize(1);
        return e.strip();
    }

    private <T> T parse(Class<T> type, String... args) {
        CommandLine cl = SluicePerf.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        WorkloadFile.install(cl, args);
        ParseResult pr = cl.parseArgs(args);
        return type.cast(pr.subcommand().commandSpec().userObject());
    }

    @Test
    void negativeSizeIsRejectedNamingTheOption() {
        assertThat(execute("run", "--size", "-5", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("'--size'").contains("-5").contains("between 16").doesNotContain("Exception");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void sizeTooSmallForSequenceAndTimeIsRejected() {
        assertThat(execute("run", "--size=8", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("'--size'").contains("was 8");
    }

    @Test
    void unknownTargetIsRejectedNamingItAndTheKnownOnes() {
        assertThat(execute("run", "--target", "kafka-x")).isEqualTo(2);
        assertThat(errLine()).contains("'--target'").contains("unknown target 'kafka-x'")
                .contains("reactor-raw").contains("sluice-embedded");
    }

    @Test
    void unknownTargetInACompareListIsRejected() {
        assertThat(execute("compare", "--targets", "reactor-raw,nats-y")).isEqualTo(2);
        assertThat(errLine()).contains("'--targets'").contains("unknown target 'nats-y'");
    }

    @Test
    void countAndDurationAreExclusive() {
        assertThat(execute("run", "--count", "10", "--duration", "1s")).isEqualTo(2);
        assertThat(errLine()).contains("--count").contains("--duration").contains("mutually exclusive");
    }

    @Test
    void badValuesNameTheirOption() {
        assertThat(execute("run", "--duration", "10 parsecs")).isEqualTo(2);
        assertThat(errLine()).contains("'--duration'").contains("10 parsecs");
        err.getBuffer().setLength(0);
        assertThat(execute("run", "--partitions", "0", "--count", "1")).isEqualTo(2);
        assertThat(errLine()).contains("'--partitions'").contains("was 0");
        err.getBuffer().setLength(0);
        assertThat(execute("run", "--rate", "-1", "--count", "1")).isEqualTo(2);
        assertThat(errLine()).contains("'--rate'");
        err.getBuffer().setLength(0);
        assertThat(execute("run", "--acks", "all")).isEqualTo(2);
        assertThat(errLine()).contains("'--acks'").contains("unknown acks 'all'");
        err.getBuffer().setLength(0);
        assertThat(execute("run", "--partitioner", "hashy")).isEqualTo(2);
        assertThat(errLine()).contains("'--partitioner'").contains("round-robin");
        err.getBuffer().setLength(0);
        assertThat(execute("run", "--count", "0")).isEqualTo(2);
        assertThat(errLine()).contains("'--count'");
        err.getBuffer().setLength(0);
        assertThat(execute("run", "--sise", "100")).isEqualTo(2);
        assertThat(errLine()).contains("--sise");
    }

    @Test
    void knobsATargetCannotHonourAreRejectedBeforeRunning() {
        assertThat(execute("run", "--target", "rabbitmq", "--concurrency", "4", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("'--concurrency'").contains("was 4");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void optionsBecomeTheWorkload() {
        RunCommand run = parse(RunCommand.class, "run", "--target", "reactor-raw", "--size", "200", "--count", "5000",
                "--rate", "1000", "--partitions", "8", "--prefetch", "64", "--batch-size", "1024", "--linger", "2ms",
                "--partitioner", "round-robin", "--acks", "NONE", "--max-backlog", "5000", "--warmup", "0", "--tick", "500us");
        Workload w = run.options.workload();
        assertThat(run.target).isEqualTo("reactor-raw");
        assertThat(w.recordSize()).isEqualTo(200);
        assertThat(w.count()).isEqualTo(5000);
        assertThat(w.countBased()).isTrue();
        assertThat(w.rate()).isEqualTo(1000);
        assertThat(w.partitions()).isEqualTo(8);
        assertThat(w.prefetch()).isEqualTo(64);
        assertThat(w.batchSize()).isEqualTo(1024);
        assertThat(w.linger()).isEqualTo(Duration.ofMillis(2));
        assertThat(w.partitioner()).isEqualTo(PartitionerKind.ROUND_ROBIN);
        assertThat(w.acks()).isEqualTo(Acks.NONE);
        assertThat(w.maxBacklog()).isEqualTo(5000);
        assertThat(w.ownDefaults()).isEmpty();
        assertThat(w.inFlightLimit()).isEqualTo(5000L * 8);
        PerfRunner.Settings s = run.options.settings();
        assertThat(s.warmup()).isZero();
        assertThat(s.tick()).isEqualTo(Duration.ofNanos(500_000));
    }

    @Test
    void knobsLeftUnsetAreLeftToEachTargetsOwnDefaultAndAWorkloadFileSetsThem(@TempDir Path dir) throws IOException {
        Workload unset = parse(RunCommand.class, "run", "--count", "10").options.workload();
        assertThat(unset.ownDefaults()).containsExactlyInAnyOrder(Workload.Knob.BATCH_SIZE, Workload.Knob.LINGER,
                Workload.Knob.PREFETCH);
        assertThat(unset.linger()).isZero(); // Sluice's own default stays for the Sluice targets
        assertThat(unset.describe()).contains("linger each target's default");
        Path file = dir.resolve("w.properties");
        Files.writeString(file, "linger=5ms\n");
        Workload fromFile = parse(RunCommand.class, "run", "--workload", file.toString(), "--count", "10", "--prefetch", "8")
                .options.workload();
        assertThat(fromFile.ownDefaults()).containsExactly(Workload.Knob.BATCH_SIZE);
        assertThat(fromFile.linger()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void repeatMustBePositive() {
        assertThat(execute("compare", "--repeat", "0", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("'--repeat'").contains("was 0");
    }

    @Test
    void aWorkloadFileSetsTheOptionsAndTheCommandLineOverridesIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.properties");
        Files.writeString(file, "# a workload\nsize=1024\nduration=30s\npartitions=8\nkeys=1000\nproducers=2\n"
                + "consumers=3\nconcurrency=4\ntargets=reactor-raw,sluice-embedded\n");
        CompareCommand c = parse(CompareCommand.class, "compare", "--workload", file.toString(), "--partitions", "2");
        Workload w = c.options.workload();
        assertThat(w.recordSize()).isEqualTo(1024);
        assertThat(w.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(w.partitions()).isEqualTo(2);
        assertThat(w.keys()).isEqualTo(1000);
        assertThat(w.producers()).isEqualTo(2);
        assertThat(w.consumers()).isEqualTo(3);
        assertThat(w.concurrency()).isEqualTo(4);
        assertThat(c.targets).containsExactly("reactor-raw", "sluice-embedded");

        RunCommand r = parse(RunCommand.class, "run", "--workload=" + file, "--count", "500");
        assertThat(r.options.workload().count()).isEqualTo(500);
    }

    @Test
    void aWorkloadFileWithAnUnknownKeyOrThatIsMissingIsOneLineNamingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "sise=100\n");
        assertThat(execute("run", "--workload", file.toString(), "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("--workload").contains("unknown key 'sise'").contains("size");
        err.getBuffer().setLength(0);
        assertThat(execute("run", "--workload", dir.resolve("missing").toString(), "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("--workload").contains("missing").contains("cannot read");
        err.getBuffer().setLength(0);
        Files.writeString(file, "size=abc\n");
        assertThat(execute("run", "--workload", file.toString(), "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("--size").contains("abc");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badKeysAreRejectedNamingTheOption() {
        assertThat(execute("run", "--keys", "-1", "--count", "10")).isEqualTo(2);
        assertThat(errLine()).contains("'--keys'").contains("was -1");
    }

    @Test
    void defaultsAndTheDemo() {
        RunCommand run = parse(RunCommand.class, "run");
        Workload w = run.options.workload();
        assertThat(run.target).isEqualTo("sluice-embedded");
        assertThat(w.countBased()).isFalse();
        assertThat(w.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(w.recordSize()).isEqualTo(100);
        assertThat(w.rate()).isZero();
        assertThat(run.options.settings().warmup()).isEqualTo(Duration.ofSeconds(30));
        // the flow-control bound every target gets at an unlimited rate: --max-backlog x partitions
        assertThat(w.maxBacklog()).isEqualTo(100_000);
        assertThat(w.partitions()).isEqualTo(4);
        assertThat(w.inFlightLimit()).isEqualTo(400_000);

        CompareCommand demo = parse(CompareCommand.class, SluicePerf.DEMO);
        assertThat(demo.targets).containsExactly("reactor-raw", "sluice-embedded");
        Workload d = demo.options.workload();
        assertThat(d.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(demo.options.settings().warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.partitions()).isEqualTo(4);
        assertThat(d.recordSize()).isEqualTo(100);
    }

    @Test
    void helpListsTheCommands() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("run").contains("compare");
    }
}
