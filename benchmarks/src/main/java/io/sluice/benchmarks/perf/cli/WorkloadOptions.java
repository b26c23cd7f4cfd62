package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.report.JsonReport;
import io.sluice.benchmarks.perf.targets.Peers;
import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.LoadProfile;
import io.sluice.benchmarks.perf.workload.PartitionerKind;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The workload and run options shared by {@code run} and {@code compare} (a picocli mixin). */
final class WorkloadOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = WorkloadFile.OPTION, paramLabel = "FILE",
            description = "Read the workload from FILE (properties: size=100, duration=20s, partitions=8, ...: long option"
                    + " names without dashes; or, named .yaml/.yml, an OpenMessaging Benchmark workload); options given on"
                    + " the command line override it.")
    java.nio.file.Path workloadFile;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "100",
            description = "Record value size in bytes, at least 16 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--count", paramLabel = "N", description = "Records to send (instead of --duration).")
    Long count;

    @Option(names = "--duration", paramLabel = "TIME", converter = Converters.DurationConverter.class,
            description = "How long to send, e.g. 10s, 500ms, 2m (default: 10s unless --count is given).")
    Duration duration;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", defaultValue = "0",
            description = "Target send rate in records per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--profile", paramLabel = "SPEC",
            description = "A rate that changes over the run, instead of --rate and --duration: step:10k,50k,100k/10s (each"
                    + " rate for 10 s), ramp:0-200k/60s (linearly), spike:50k,250k@30s/5s (50k/s, 250k/s from 30 s for 5 s,"
                    + " then 50k/s for 30 s more). Records keep their intended send times as with --rate; the JSON and the"
                    + " report show the rate and latency second by second.")
    String profile;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4", description = "Topic partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--producers", paramLabel = "N", defaultValue = "1", description = "Producers, each on its own thread; records go to the producer of their key (default: ${DEFAULT-VALUE}).")
    int producers;

    @Option(names = "--consumers", paramLabel = "N", defaultValue = "1", description = "Consumers in one group, sharing the partitions (default: ${DEFAULT-VALUE}).")
    int consumers;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "512",
            description = "Records a consumer reads ahead of demand (default: each target's own; Sluice's is ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1", description = "Handlers per consumer; order is kept per key (--keys) or else per partition (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--batch-size", paramLabel = "BYTES", defaultValue = "65536",
            description = "Producer batch size in bytes (default: each target's own; Sluice's is ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--linger", paramLabel = "TIME", defaultValue = "0", converter = Converters.DurationConverter.class,
            description = "How long a producer batch waits to fill (default: each target's own, e.g. Kafka 4's 5ms; Sluice's is ${DEFAULT-VALUE}).")
    Duration linger;

    @Option(names = "--partitioner", paramLabel = "NAME", defaultValue = "key-hash", converter = Converters.PartitionerConverter.class,
            description = "round-robin, random, sticky or key-hash (keyless records: like sticky) (default: ${DEFAULT-VALUE}).")
    PartitionerKind partitioner;

    @Option(names = "--acks", paramLabel = "LEVEL", defaultValue = "appended", converter = Converters.AcksConverter.class,
            description = "none, appended or stored (default: ${DEFAULT-VALUE}).")
    Acks acks;

    @Option(names = "--max-backlog", paramLabel = "N", defaultValue = "100000",
            description = "Unconsumed records per partition before producers wait; Sluice also retains this many, and the"
                    + " harness holds every target to this many times --partitions records sent but not received"
                    + " (default: ${DEFAULT-VALUE}, the engine's own default).")
    long maxBacklog;

    @Option(names = "--groups", paramLabel = "N", defaultValue = "1",
            description = "Consumer groups, each of --consumers members and each receiving every record (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "0",
            description = "Distinct record keys, spread uniformly over the records; 0 = keyless (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--amqp", paramLabel = "URI", defaultValue = Peers.DEFAULT_AMQP,
            description = "RabbitMQ for the rabbitmq target (default: amqp://guest:***@127.0.0.1:5672).")
    java.net.URI amqp;

    @Option(names = "--nats", paramLabel = "URL", defaultValue = Peers.DEFAULT_NATS,
            description = "NATS (with JetStream) for the nats target (default: ${DEFAULT-VALUE}).")
    java.net.URI nats;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = Converters.BootstrapConverter.class,
            description = "An existing Kafka for the kafka and sluice-kafka targets (host:port[,host:port...]); without it"
                    + " each starts a single-node KRaft broker in a child JVM and removes it afterwards.")
    String bootstrap;

    @Option(names = "--node", paramLabel = "HOST:PORT", converter = Converters.NodeConverter.class,
            description = "An existing Sluice node for the sluice-tcp target; without it the target starts a node (the"
                    + " engine on its memory store) in a child JVM on 127.0.0.1 and removes it afterwards.")
    String node;

    @Option(names = "--postgres", paramLabel = "R2DBC_URL", defaultValue = Peers.DEFAULT_POSTGRES,
            description = "PostgreSQL for the sluice-postgres and postgres-rows targets (default: ${DEFAULT-VALUE}).")
    String postgres;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the workload and the results to FILE as JSON.")
    java.nio.file.Path json;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "30s", converter = Converters.DurationConverter.class,
            description = "Unmeasured warm-up per target before the measured phase: at least this long, then until"
                    + " the received rate stops climbing (the last third of this, at most 10 s, received less than 1.1x"
                    + " the one before), at most 4x this: a broker started for the run and this JVM's clients reach"
                    + " their steady rate (Kafka on 2 vCPUs took 15 s on one host, over 40 s on another); 0 skips it"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--drain-timeout", paramLabel = "TIME", defaultValue = "10s", converter = Converters.DurationConverter.class,
            description = "Cut a phase short when nothing is sent or received for this long (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--tick", paramLabel = "TIME", defaultValue = "1ms", converter = Converters.DurationConverter.class,
            description = "Pacing period of --rate runs; adds up to one tick of latency (default: ${DEFAULT-VALUE}).")
    Duration tick;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines (there are none either when the output is not a terminal).")
    boolean quiet;

    /** The workload these options describe. @throws ParameterException naming the option of a bad value */
    Workload workload() {
        if (workloadFile != null) {
            try {
                WorkloadFile.check(workloadFile, spec);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }
        if (count != null && duration != null && workloadFile != null) {
            // the command line overrides the workload file: of the two, keep the one given on the command line
            ParseResult given = spec.commandLine().getParseResult();
            if (given.hasMatchedOption("--count") && !given.hasMatchedOption("--duration")) {
                duration = null;
            } else if (given.hasMatchedOption("--duration") && !given.hasMatchedOption("--count")) {
                count = null;
            }
        }
        if (count != null && duration != null) {
            throw error("--count and --duration are mutually exclusive; give one");
        }
        LoadProfile loadProfile = profile();
        if (count != null && count < 1) {
            throw error("Invalid value for option '--count': must be >= 1, was " + count);
        }
        try {
            Workload.Builder builder = Workload.builder()
                    .recordSize(size)
                    .count(count == null ? 0 : count)
                    .duration(duration == null ? Duration.ofSeconds(10) : duration)
                    .rate(rate)
                    .profile(loadProfile)
                    .partitions(partitions)
                    .producers(producers)
                    .consumers(consumers)
                    .prefetch(prefetch)
                    .concurrency(concurrency)
                    .batchSize(batchSize)
                    .linger(linger)
                    .partitioner(partitioner)
                    .acks(acks)
                    .maxBacklog(maxBacklog)
                    .keys(keys)
                    .groups(groups);
            leaveUnset(builder, "--batch-size", Workload.Knob.BATCH_SIZE);
            leaveUnset(builder, "--linger", Workload.Knob.LINGER);
            leaveUnset(builder, "--prefetch", Workload.Knob.PREFETCH);
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    /**
     * The {@code --profile}, or null. It sets the rate and the length of the run, so {@code --rate}, {@code --duration}
     * and {@code --count} beside it are an error when they come from the same place (both on the command line, or both
     * in the workload file); from different places, the command line's wins, as everywhere.
     */
    private LoadProfile profile() {
        if (profile == null) {
            return null;
        }
        ParseResult given = spec.commandLine().getParseResult();
        boolean profileOnCommandLine = given.hasMatchedOption("--profile");
        for (String option : List.of("--count", "--duration", "--rate")) {
            boolean onCommandLine = given.hasMatchedOption(option);
            boolean inFile = WorkloadFile.supplies(spec.commandLine().getCommandSpec(), option);
            if (onCommandLine == profileOnCommandLine && (onCommandLine || inFile)) {
                throw error("--profile sets the run's rate and length: it cannot be combined with " + option);
            }
            if (onCommandLine) {
                return null; // the workload file's profile, overridden on the command line
            }
        }
        try {
            LoadProfile p = LoadProfile.parse(profile);
            count = null;
            duration = null;
            rate = 0;
            return p;
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** Leaves {@code knob} to each target's own default when neither the command line nor a workload file sets it. */
    private void leaveUnset(Workload.Builder builder, String option, Workload.Knob knob) {
        CommandSpec command = spec.commandLine().getCommandSpec();
        if (!spec.commandLine().getParseResult().hasMatchedOption(option) && !WorkloadFile.supplies(command, option)) {
            builder.ownDefault(knob);
        }
    }

    /** The runner settings these options describe. */
    PerfRunner.Settings settings() {
        PrintWriter progress = quiet || !SluicePerf.interactive() ? null : spec.commandLine().getErr();
        try {
            return new PerfRunner.Settings(warmup, drainTimeout, tick, progress);
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    /** A new target named {@code name}, reaching its peer at {@link #peers()}, checked against {@code workload}. */
    Target target(String name, Workload workload) {
        Target target = Targets.create(name, peers());
        try {
            target.validate(workload);
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
        return target;
    }

    /**
     * The workload {@code name} runs in a command that measures each target on its own ({@code max-rate},
     * {@code curve}): {@code workload}, but at the target's {@linkplain Target#onlyAcks only acks level} when it has
     * one and {@code --acks} was given neither on the command line nor in a workload file. Prints a line saying so.
     */
    Workload workloadFor(String name, Workload workload, PrintWriter out) {
        Acks only = Targets.create(name, peers()).onlyAcks();
        CommandSpec command = spec.commandLine().getCommandSpec();
        if (only == null || only == workload.acks() || spec.commandLine().getParseResult().hasMatchedOption("--acks")
                || WorkloadFile.supplies(command, "--acks")) {
            return workload;
        }
        String others = workload.acks().name().toLowerCase(Locale.ROOT);
        out.printf(Locale.ROOT, "[%s] runs at acks %s, its only level (the others at %s, the default; an explicit --acks %s"
                + " is refused for it)%n", name, only.name().toLowerCase(Locale.ROOT), others, others);
        return workload.toBuilder().acks(only).build();
    }

    /**
     * A message of the form "--option must ...", reworded as picocli words its own, and naming the workload file's field
     * when the value came from there.
     */
    private ParameterException invalid(IllegalArgumentException e) {
        String m = e.getMessage();
        if (m != null && m.startsWith("--")) {
            int end = m.indexOf(' ');
            String option = m.substring(0, end < 0 ? m.length() : end).replaceAll(":$", "");
            String rest = end < 0 ? "" : m.substring(end + 1);
            String origin = spec.commandLine().getParseResult().hasMatchedOption(option) ? null
                    : WorkloadFile.origin(spec.commandLine().getCommandSpec(), option);
            return error("Invalid value for option '" + option + "'" + (origin == null ? "" : " (" + origin + ")") + ": " + rest);
        }
        return error(m);
    }

    /**
     * Prints {@code workload} as the commands introduce it; an OMB workload's name first, and after it a note for each
     * field sluice-perf runs differently from OMB.
     */
    void printWorkload(PrintWriter out, Workload workload) {
        WorkloadFile file = WorkloadFile.of(spec.commandLine().getCommandSpec());
        String title = file == null ? null : file.title();
        out.println("workload: " + (title == null ? "" : title + ": ") + workload.describe());
        for (String note : file == null ? List.<String>of() : file.notes()) {
            out.println("  note: " + note);
        }
    }

    /**
     * For a command that runs its own steps ({@code max-rate}, {@code curve}): refuses {@code options} when given on the
     * command line, saying {@code why}, and checks the steps' {@code window} and {@code settle}.
     *
     * @throws ParameterException naming the option
     */
    void requireStepped(String command, Duration window, Duration settle, String why, String... options) {
        for (String option : options) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw error(option + " cannot be given to " + command + ": " + why);
            }
        }
        if (window.isNegative() || window.isZero() || settle.isNegative()) {
            throw error("--window must be positive and --settle >= 0, were " + Durations.format(window) + " and "
                    + Durations.format(settle));
        }
    }

    /** The {@code --json} file, or null. */
    java.nio.file.Path json() {
        return json;
    }

    /** Where the peers are. */
    Peers peers() {
        return new Peers(amqp, nats, bootstrap, postgres, node);
    }

    /** Checks {@code --repeat}. @throws ParameterException naming it */
    void requireRepeat(int repeat) {
        if (repeat < 1 || repeat > 1000) {
            throw error("Invalid value for option '--repeat': must be between 1 and 1000, was " + repeat);
        }
    }

    /**
     * Writes every round's results to the {@code --json} file, if one was given; returns false (and says why) when it
     * cannot.
     */
    boolean writeJson(Workload workload, List<List<RunResult>> rounds, java.io.PrintWriter out) {
        if (json == null) {
            return true;
        }
        try {
            JsonReport.writeRounds(json, workload, rounds);
            out.println("results written to " + json);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            out.println("sluice-perf: cannot write --json " + json + ": " + e);
            return false;
        } finally {
            out.flush();
        }
    }

    private ParameterException error(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
