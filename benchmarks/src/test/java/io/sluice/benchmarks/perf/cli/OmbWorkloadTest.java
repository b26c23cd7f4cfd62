package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** {@code --workload FILE.yaml}: OpenMessaging Benchmark workload files mapped onto the options, or refused naming why. */
class OmbWorkloadTest {
    /** OMB's 1 topic / 16 partitions / 1 KiB / 50,000 msgs/s workload, in OMB's format, with its 1 KiB payload file beside it. */
    private static final Path OMB_1KB = resource("/omb/1-topic-16-partitions-1kb.yaml");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private static Path resource(String name) {
        try {
            return Path.of(OmbWorkloadTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private int execute(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private String errLine() {
        String e = err.toString();
        assertThat(e.strip().lines()).as("one line on stderr: %s", e).hasSize(1);
        return e.strip();
    }

    private RunCommand parseRun(String... args) {
        CommandLine cl = SluicePerf.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        WorkloadFile.install(cl, args);
        ParseResult pr = cl.parseArgs(args);
        return (RunCommand) pr.subcommand().commandSpec().userObject();
    }

    /** An OMB workload file in {@link #dir}: the 1 KiB workload's fields (without its payload file) with {@code lines} after them. */
    private Path omb(String... lines) throws IOException {
        Path file = dir.resolve("workload.yaml");
        Files.writeString(file, "name: test\ntopics: 1\npartitionsPerTopic: 16\nmessageSize: 1024\nsubscriptionsPerTopic: 1\n"
                + "consumerPerSubscription: 1\nproducersPerTopic: 1\nproducerRate: 50000\ntestDurationMinutes: 15\n"
                + String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    void anOmbWorkloadFileBecomesTheWorkload() {
        RunCommand run = parseRun("run", "--workload", OMB_1KB.toString());
        Workload w = run.options.workload();
        assertThat(w.partitions()).isEqualTo(16);
        assertThat(w.recordSize()).isEqualTo(1024);
        assertThat(w.rate()).isEqualTo(50_000);
        assertThat(w.groups()).isEqualTo(1);
        assertThat(w.consumers()).isEqualTo(1);
        assertThat(w.producers()).isEqualTo(1);
        assertThat(w.keys()).isZero();
        assertThat(w.countBased()).isFalse();
        assertThat(w.duration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(run.options.settings().warmup()).as("OMB's warm-up when the file gives none").isEqualTo(Duration.ofMinutes(1));
        assertThat(w.ownDefaults()).as("OMB's workload says nothing of batching or prefetch")
                .containsExactlyInAnyOrder(Workload.Knob.BATCH_SIZE, Workload.Knob.LINGER, Workload.Knob.PREFETCH);
    }

    @Test
    void theOtherFieldsMapToo() throws IOException {
        Path file = omb("keyDistributor: KEY_ROUND_ROBIN", "warmupDurationMinutes: 0", "useRandomizedPayloads: false",
                "randomBytesRatio: 0.5", "randomizedPayloadPoolSize: 1000", "consumerBacklogSizeGB: 0",
                "backlogDrainRatio: 1.0");
        Files.writeString(file, Files.readString(file).replace("subscriptionsPerTopic: 1", "subscriptionsPerTopic: 3")
                .replace("consumerPerSubscription: 1", "consumerPerSubscription: 2")
                .replace("producersPerTopic: 1", "producersPerTopic: 4")
                .replace("producerRate: 50000", "producerRate: 0"));
        RunCommand run = parseRun("run", "--workload", file.toString());
        Workload w = run.options.workload();
        assertThat(w.keys()).isEqualTo(OmbWorkload.OMB_KEYS);
        assertThat(w.groups()).isEqualTo(3);
        assertThat(w.consumers()).isEqualTo(2);
        assertThat(w.producers()).isEqualTo(4);
        assertThat(w.rate()).as("OMB's 0: as fast as the target accepts").isZero();
        assertThat(run.options.settings().warmup()).isZero();

        Files.writeString(file, Files.readString(file).replace("KEY_ROUND_ROBIN", "\"RANDOM_NANO\""));
        assertThat(parseRun("run", "--workload", file.toString()).options.workload().keys()).isEqualTo(OmbWorkload.OMB_KEYS);
        Files.writeString(file, Files.readString(file).replace("\"RANDOM_NANO\"", "NO_KEY"));
        assertThat(parseRun("run", "--workload", file.toString()).options.workload().keys()).isZero();
    }

    @Test
    void theCommandLineOverridesTheOmbFile() {
        RunCommand run = parseRun("run", "--workload", OMB_1KB.toString(), "--partitions", "4", "--rate", "1000",
                "--warmup", "2s");
        Workload w = run.options.workload();
        assertThat(w.partitions()).isEqualTo(4);
        assertThat(w.rate()).isEqualTo(1000);
        assertThat(w.recordSize()).isEqualTo(1024);
        assertThat(run.options.settings().warmup()).isEqualTo(Duration.ofSeconds(2));
        Workload counted = parseRun("run", "--workload=" + OMB_1KB, "--count", "500").options.workload();
        assertThat(counted.count()).as("--count on the command line replaces the file's testDurationMinutes").isEqualTo(500);
    }

    @Test
    void aShortRunOfTheOmbWorkloadOnSluiceEmbeddedLosesAndDuplicatesNothing() {
        int code = execute("run", "--workload", OMB_1KB.toString(), "--target", "sluice-embedded", "--duration", "2s",
                "--warmup", "1s", "-q");

        String printed = out.toString();
        assertThat(code).as("%s%s", printed, err).isZero();
        assertThat(printed).contains("workload: OMB workload '1 topic / 16 partitions / 1kb' (" + OMB_1KB + ")")
                .contains("payloadFile payload/payload-1Kb.data: its 1024 bytes match messageSize but are not sent")
                .contains("1024 B records for 2s, 50,000 msgs/s, 16 partitions, 1 producer(s), 1 consumer(s)")
                .contains("keyless, 1 group(s)");
        Matcher summary = Pattern.compile("sluice-embedded: sent ([\\d,]+) records of 1024 B \\(([\\d,]+) acknowledged\\),"
                + " received ([\\d,]+) in .*; lost 0, duplicated 0, reordered").matcher(printed);
        assertThat(summary.find()).as(printed).isTrue();
        long sent = Long.parseLong(summary.group(1).replace(",", ""));
        assertThat(sent).isPositive();
        assertThat(Long.parseLong(summary.group(2).replace(",", ""))).isEqualTo(sent);
        assertThat(Long.parseLong(summary.group(3).replace(",", ""))).isEqualTo(sent);
    }

    @Test
    void tuneTakesTheOmbWorkloadAsItsDefaultAndRunsItsOwnTrialLengthInsteadOfTestDurationMinutes() {
        int code = execute("tune", "--workload", OMB_1KB.toString(), "--target", "reactor-raw", "--count", "2000",
                "--warmup", "0", "--max-trials", "1", "-q");

        assertThat(code).as("%s%s", out, err).isZero();
        assertThat(out.toString()).contains("default: 1024 B records 2,000 records, 50,000 msgs/s, 16 partitions");
        assertThat(execute("tune", "--workload", OMB_1KB.toString(), "--duration", "5s")).isEqualTo(2);
        assertThat(errLine()).contains("--duration does not apply");
    }

    @Test
    void whatCannotRunAsOmbWouldIsRefusedInOneLineNamingEveryField() throws IOException {
        Path file = omb("consumerBacklogSizeGB: 512", "useRandomizedPayloads: true", "randomBytesRatio: 0.5");
        Files.writeString(file, Files.readString(file).replace("topics: 1", "topics: 10")
                .replace("testDurationMinutes: 15", "testDurationMinutes: 0"));

        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("--workload " + file).contains("cannot run this OMB workload")
                .contains("topics (line 2): sluice-perf runs one topic, was 10")
                .contains("consumerBacklogSizeGB (line 10)").contains("build a backlog")
                .contains("useRandomizedPayloads (line 11)").contains("not random bytes")
                .contains("testDurationMinutes (line 9): 0 runs until stopped in OMB")
                .containsSubsequence("topics (line 2)", "testDurationMinutes (line 9)", "consumerBacklogSizeGB (line 10)",
                        "useRandomizedPayloads (line 11)")
                .doesNotContain("randomBytesRatio").doesNotContain("Exception");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownFieldsBadValuesAndMissingFieldsAreNamed() throws IOException {
        Path file = omb("keyDistributor: ZIPF", "messageRate: 100", "warmupDurationMinutes: soon");
        Files.writeString(file, Files.readString(file).replace("messageSize: 1024", "messageSize: 1kb")
                .replace("producersPerTopic: 1\n", ""));

        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("messageSize (line 4): expected a whole number").contains("'1kb'")
                .contains("keyDistributor (line 9): unknown 'ZIPF'; OMB's: NO_KEY, KEY_ROUND_ROBIN, RANDOM_NANO")
                .contains("unknown field 'messageRate' (line 10)").contains("OMB's fields: name, topics")
                .contains("warmupDurationMinutes (line 11): expected a whole number").contains("'soon'")
                .contains("producersPerTopic: missing");
    }

    @Test
    void aValueTheLabRefusesNamesTheOmbFieldItCameFrom() throws IOException {
        Path file = omb();
        Files.writeString(file, Files.readString(file).replace("messageSize: 1024", "messageSize: 8"));

        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("'--size' (messageSize in " + file + ")").contains("was 8");
        assertThat(execute("run", "--workload", file.toString(), "--size", "100", "--count", "10", "--warmup", "0", "-q"))
                .as("the command line overrides the bad value").isZero();
    }

    @Test
    void thePayloadFileIsFoundBesideTheWorkloadAndMustHoldMessageSizeBytes() throws IOException {
        Path file = omb("payloadFile: \"payload/payload-1Kb.data\"");
        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("payloadFile (line 10): no such file " + dir.resolve("payload/payload-1Kb.data"));

        Files.createDirectories(dir.resolve("payload"));
        Files.write(dir.resolve("payload/payload-1Kb.data"), new byte[100]);
        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("payloadFile (line 10): payload/payload-1Kb.data has 100 bytes but messageSize is 1024");

        Files.write(dir.resolve("payload/payload-1Kb.data"), new byte[1024]);
        assertThat(parseRun("run", "--workload", file.toString()).options.workload().recordSize()).isEqualTo(1024);
    }

    @Test
    void malformedYamlIsOneLineNamingTheFileAndTheLine() throws IOException {
        Path file = dir.resolve("broken.yml");
        Files.writeString(file, "name: broken\ntopics: 1\npartitionsPerTopic: [16\nmessageSize: 1024\n");
        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("--workload " + file + ": not valid YAML at line ");

        Files.writeString(file, "- topics: 1\n- partitionsPerTopic: 16\n");
        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("--workload " + file + ": expected an OMB workload").contains("found a sequence at line 1");

        Files.writeString(file, "topics: 1\ntopics: 2\nproducerRate:\n  per: second\n");
        assertThat(execute("run", "--workload", file.toString())).isEqualTo(2);
        assertThat(errLine()).contains("topics (line 2): given twice").contains("producerRate (line 3): expected one value, found a mapping");

        assertThat(execute("run", "--workload", dir.resolve("missing.yaml").toString())).isEqualTo(2);
        assertThat(errLine()).contains("--workload " + dir.resolve("missing.yaml") + ": cannot read it");
    }
}
