package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.Rounds;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Stats;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.report.Report;
import io.sluice.benchmarks.perf.report.Table;
import io.sluice.benchmarks.perf.targets.Peers;
import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.targets.peers.KafkaTarget;
import io.sluice.benchmarks.perf.targets.peers.NatsTarget;
import io.sluice.benchmarks.perf.targets.peers.PeerTargets;
import io.sluice.benchmarks.perf.targets.peers.PeerTools;
import io.sluice.benchmarks.perf.targets.peers.RabbitMqTarget;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.benchmarks.reference.NatsBenchRecipe;
import io.sluice.kafka.cluster.ChildJvm;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.producer.Acks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.GroupState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-perf parity}: proof that {@code sluice-perf} drives each peer as fast as the peer's own benchmark tool
 * does. For each peer it runs {@code sluice-perf}'s driver on the workload (warm-up, then the measured phase), then the
 * peer's own tool as a child process on the same server with the same settings, for as long (the driver's warm-up and
 * duration, or as many records as the driver sent in them), and prints both end-to-end rates and their ratio (driver /
 * tool). The tools have no warm-up of their own, so their figure is taken from their own periodic reports after the
 * same warm-up as the driver's, not from their start (a cold client JVM ran Kafka's tools at half their later rate):
 * <ul>
 * <li>{@code rabbitmq}: RabbitMQ's PerfTest ({@code com.rabbitmq:perf-test}), one producer and one consumer, the
 *     driver's confirm window, qos and multi-ack; the figure is the mean of its per-second "received" rates after the
 *     warm-up.</li>
 * <li>{@code kafka}: Kafka's ConsumerPerformance and ProducerPerformance ({@code kafka-tools}) at the same time on one
 *     new topic of the same broker (started here unless {@code --bootstrap} names one), the producer with the driver's
 *     settings; the figure is the consumer's, from its per-second reports from the warm-up's end to the last.</li>
 * <li>{@code nats}: no NATS tool is packaged for this machine, so {@link NatsBenchRecipe}, nats bench's documented
 *     recipe reproduced in Java without sharing code with the driver; labelled as such. Its figure is the
 *     subscriber's rate from the warm-up's end to its last message.</li>
 * </ul>
 *
 * <p>One class of over 400 lines: the three checks are the command's whole job, each a method of some fifty lines
 * using the same options, runner, tool finder and timing helpers, with the parsers of each tool's output beside the
 * check that runs it; split per peer, each part would need all of those passed in.
 */
@Command(name = "parity", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs sluice-perf's driver of each peer and then the peer's own benchmark tool (PerfTest, Kafka's"
                + " ProducerPerformance + ConsumerPerformance, nats bench's recipe) on the same server with the same"
                + " settings, and prints both end-to-end rates and their ratio.")
final class ParityCommand implements Callable<Integer> {
    /** The peers parity knows how to check. */
    static final List<String> PEERS = List.of(RabbitMqTarget.NAME, KafkaTarget.NAME, NatsTarget.NAME);
    /** How much longer than the driver's measured phase a tool may take before it counts as hung. */
    private static final Duration TOOL_SLACK = Duration.ofMinutes(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--peers", paramLabel = "NAME", split = ",", defaultValue = "rabbitmq,kafka,nats",
            description = "Comma-separated peers: rabbitmq, kafka, nats (default: ${DEFAULT-VALUE}).")
    List<String> peers;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Rounds: each peer's driver and tool run N times, the peers in alternating order; the table shows"
                    + " medians with min-max and the median of the per-round ratios (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--tools", paramLabel = "DIR",
            description = "The folder of the peers' tools' jars (default: benchmarks/" + PeerTools.LIB + ", built by mvn package).")
    Path tools;

    @Mixin
    WorkloadOptions options;

    /**
     * One peer's parity.
     *
     * @param peer     the target name
     * @param tool     what ran as the peer's own tool, with its settings
     * @param toolRate the tool's end-to-end rate (msgs/s), or 0 when it failed
     * @param driver   the driver's run
     * @param error    why the tool failed, or null
     */
    record Parity(String peer, String tool, double toolRate, RunResult driver, String error) {
        /** driver / tool, or NaN when either failed. */
        double ratio() {
            return toolRate > 0 && !driver.failed() ? driver.msgsPerSec() / toolRate : Double.NaN;
        }

        /** The driver's result with the tool beside it in its details: what {@code --json} writes. */
        RunResult reported() {
            Map<String, String> details = new LinkedHashMap<>(driver.details());
            details.put("own tool", tool);
            details.put("own tool rate", toolRate > 0 ? String.format(Locale.ROOT, "%.0f msgs/s", toolRate) : "none: " + error);
            details.put("driver / tool", Double.isNaN(ratio()) ? "-" : String.format(Locale.ROOT, "%.3f", ratio()));
            return driver.withDetails(details);
        }
    }

    @Override
    public Integer call() {
        Workload workload = options.workload();
        PerfRunner.Settings settings = options.settings();
        for (String p : peers) {
            if (!PEERS.contains(p)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--peers': unknown"
                        + " peer '" + p + "'; parity knows " + String.join(", ", PEERS));
            }
            options.target(p, workload); // validates the workload for it
        }
        options.requireRepeat(repeat);
        PrintWriter out = spec.commandLine().getOut();
        PeerTools tools;
        try {
            tools = PeerTools.find(this.tools);
        } catch (TargetUnavailableException e) {
            out.println("sluice-perf parity: " + e.getMessage());
            out.flush();
            return 1;
        }
        out.println("sluice-perf parity: " + String.join(", ", peers) + " (driver first, then the peer's own tool)");
        options.printWorkload(out, workload);
        out.println("tools: " + tools.lib());
        out.flush();
        PerfRunner runner = new PerfRunner(settings);
        List<String> order = List.copyOf(new LinkedHashSet<>(peers));
        List<Parity> all = new ArrayList<>();
        List<List<RunResult>> rounds = new ArrayList<>();
        for (int round = 0; round < repeat; round++) {
            List<RunResult> thisRound = new ArrayList<>();
            rounds.add(thisRound);
            for (String peer : Rounds.order(order, round)) {
                Parity p = switch (peer) {
                    case RabbitMqTarget.NAME -> rabbitmq(workload, runner, tools);
                    case KafkaTarget.NAME -> kafka(workload, runner, tools);
                    default -> nats(workload, runner, tools);
                };
                all.add(p);
                thisRound.add(p.reported());
                out.printf(Locale.ROOT, "%s[%s] driver %,.0f msgs/s, tool %,.0f msgs/s%n",
                        repeat > 1 ? "round " + (round + 1) + " " : "", peer, p.driver().msgsPerSec(), p.toolRate());
                out.flush();
            }
        }
        print(out, order, all);
        boolean written = options.writeJson(workload, rounds, out);
        return !written || all.stream().anyMatch(p -> Double.isNaN(p.ratio())) ? 1 : 0;
    }

    /**
     * The table (per peer: the tool's rate, the driver's and driver / tool; with several rounds their medians with
     * [min-max] and the median of the per-round ratios), then what ran and each driver run's summary.
     */
    static void print(PrintWriter out, List<String> peers, List<Parity> all) {
        Table t = new Table("peer", "own tool (msgs/s)", "sluice-perf driver (msgs/s)", "driver / tool", "");
        for (String peer : peers) {
            List<Parity> runs = all.stream().filter(p -> p.peer().equals(peer)).toList();
            List<Double> tool = runs.stream().filter(p -> p.toolRate() > 0).map(Parity::toolRate).toList();
            List<Double> driver = runs.stream().filter(p -> !p.driver().failed()).map(p -> p.driver().msgsPerSec()).toList();
            List<Double> ratios = runs.stream().map(Parity::ratio).filter(r -> !Double.isNaN(r)).toList();
            double r = ratios.isEmpty() ? Double.NaN : Stats.median(ratios);
            t.row(peer, tool.isEmpty() ? "FAILED" : Stats.spread(tool, "%,.0f"),
                    driver.isEmpty() ? "FAILED" : Stats.spread(driver, "%,.0f"),
                    Double.isNaN(r) ? "-" : Stats.spread(ratios, "%.3f"),
                    Double.isNaN(r) ? "" : r >= 0.9 ? "ok (>= 0.9)" : "BELOW 0.9: the driver is slower than the tool");
        }
        out.println();
        out.print(t.render());
        out.println();
        for (Parity p : all) {
            out.println(p.peer() + " own tool: " + p.tool());
            if (p.error() != null) {
                out.println("  FAILED: " + p.error().replace("\n", "\n    "));
            }
            out.println("  driver: " + Report.summary(p.driver()));
        }
        out.flush();
    }

    // ---- RabbitMQ: PerfTest ----

    private Parity rabbitmq(Workload workload, PerfRunner runner, PeerTools tools) {
        Peers where = options.peers();
        RunResult driver = runner.run(Targets.create(RabbitMqTarget.NAME, where), workload);
        long warmup = warmupSeconds(runner);
        long seconds = warmup + Math.max(1, Math.round(phaseNanos(workload, driver) / 1e9));
        List<String> args = new ArrayList<>(List.of("--uri", where.amqp().toString(), "--producers", "1", "--consumers", "1",
                "--size", Integer.toString(workload.recordSize()), "--time", Long.toString(seconds),
                "--queue", PeerTargets.phaseName(), "--auto-delete", "true",
                "--qos", Integer.toString(workload.prefetch())));
        if (workload.acks() == Acks.NONE) {
            args.add("--autoack");
        } else {
            args.addAll(List.of("--confirm", Integer.toString(RabbitMqTarget.window(workload)),
                    "--multi-ack-every", Integer.toString(RabbitMqTarget.ackEvery(workload))));
        }
        if (workload.acks() == Acks.STORED) {
            args.addAll(List.of("--flag", "persistent"));
        }
        String tool = "PerfTest " + String.join(" ", args).replace(where.amqp().toString(), PeerTargets.safe(where.amqp()));
        try {
            List<String> lines = tools.run("rabbitmq: PerfTest", ChildJvm.SERVER_FLAGS, "com.rabbitmq.perf.PerfTest", args,
                    Duration.ofSeconds(seconds).plus(TOOL_SLACK));
            return new Parity(RabbitMqTarget.NAME, tool + "; the mean of its per-second received rates after " + warmup + " s",
                    perfTestRate(lines, warmup), driver, null);
        } catch (RuntimeException e) {
            return new Parity(RabbitMqTarget.NAME, tool, 0, driver, TargetUnavailableException.oneLine(e));
        }
    }

    private static final Pattern PERF_TEST_SECOND = Pattern.compile("time ([0-9.]+) s, .*received: (\\d+) msg/s");

    /**
     * The mean of PerfTest's per-second "received: N msg/s" reports ({@code time T s, sent: ..., received: N msg/s, ...})
     * whose second began after {@code warmupSeconds} (a report at T covers the second before it; T drifts by a few ms).
     */
    static double perfTestRate(List<String> lines, long warmupSeconds) {
        double sum = 0;
        int n = 0;
        for (String line : lines) {
            Matcher m = PERF_TEST_SECOND.matcher(line);
            if (m.find() && Double.parseDouble(m.group(1)) >= warmupSeconds + 0.5) {
                sum += Double.parseDouble(m.group(2));
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("PerfTest printed no per-second report after " + warmupSeconds + " s");
        }
        return sum / n;
    }

    // ---- Kafka: ProducerPerformance + ConsumerPerformance ----

    private Parity kafka(Workload workload, PerfRunner runner, PeerTools tools) {
        Peers where = options.peers();
        KafkaCluster broker = where.bootstrap() == null ? KafkaTarget.startBroker() : null;
        try {
            String bootstrap = broker != null ? broker.bootstrap() : where.bootstrap();
            RunResult driver = runner.run(Targets.create(KafkaTarget.NAME, where.withBootstrap(bootstrap)), workload);
            long warmup = warmupSeconds(runner);
            long records = withWarmup(driver, warmup);
            String topic = PeerTargets.phaseName();
            String group = topic + "-group";
            List<String> producer = new ArrayList<>(List.of("--topic", topic, "--num-records", Long.toString(records),
                    "--record-size", Integer.toString(workload.recordSize()), "--throughput", "-1", "--producer-props",
                    "bootstrap.servers=" + bootstrap));
            KafkaTarget.producerSettings(workload).forEach((k, v) -> {
                if (!k.equals(org.apache.kafka.clients.producer.ProducerConfig.PARTITIONER_CLASS_CONFIG)) {
                    producer.add(k + "=" + v);
                }
            });
            List<String> consumer = new ArrayList<>(List.of("--bootstrap-server", bootstrap, "--topic", topic, "--messages",
                    Long.toString(records), "--group", group, "--timeout", "60000", "--show-detailed-stats",
                    "--reporting-interval", "1000"));
            String tool = String.format(Locale.ROOT, "ConsumerPerformance %s & ProducerPerformance %s (Kafka %s, topic of %d"
                            + " partitions, consumer settings Kafka's defaults%s)", String.join(" ", consumer),
                    String.join(" ", producer), org.apache.kafka.common.utils.AppInfoParser.getVersion(), workload.partitions(),
                    workload.ownDefault(Workload.Knob.PREFETCH) ? "" : "; --prefetch is not passed: ConsumerPerformance"
                            + " keeps max.poll.records=500");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(topic, workload.partitions(), (short) 1))).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                Duration limit = Duration.ofNanos(phaseNanos(workload, driver)).multipliedBy(3).plus(TOOL_SLACK);
                try (ChildJvm reader = tools.start("kafka: ConsumerPerformance", ChildJvm.SERVER_FLAGS,
                        "org.apache.kafka.tools.ConsumerPerformance", consumer)) {
                    awaitMember(admin, group, workload.partitions(), reader);
                    tools.run("kafka: ProducerPerformance", ChildJvm.SERVER_FLAGS, "org.apache.kafka.tools.ProducerPerformance",
                            producer, limit);
                    List<String> lines = PeerTools.finish(reader, "kafka: ConsumerPerformance", limit);
                    return new Parity(KafkaTarget.NAME, tool + "; the consumer's rate in its reports from " + warmup
                            + " s after its first records to its last", consumerPerformanceRate(lines, warmup), driver, null);
                } finally {
                    admin.deleteTopics(List.of(topic));
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return new Parity(KafkaTarget.NAME, tool, 0, driver, TargetUnavailableException.oneLine(e));
            }
        } catch (TargetUnavailableException e) {
            return new Parity(KafkaTarget.NAME, "ConsumerPerformance & ProducerPerformance", 0,
                    RunResult.failure(KafkaTarget.NAME, workload, e.getMessage()), e.getMessage());
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** Waits until ConsumerPerformance's group is stable with every partition assigned, so that the producer starts then. */
    private static void awaitMember(Admin admin, String group, int partitions, ChildJvm reader) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (;;) {
            try {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(group);
                int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                if (d.groupState() == GroupState.STABLE && assigned == partitions) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
                    throw e;
                }
                // the consumer has not reached the broker yet
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("ConsumerPerformance did not join its group within " + Durations.format(TIMEOUT)
                        + "; the end of its log:\n" + reader.logTail());
            }
            Thread.sleep(100);
        }
    }

    private static final DateTimeFormatter CONSUMER_PERF_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss:SSS", Locale.ROOT);

    /**
     * The rate in ConsumerPerformance's per-second reports ({@code --show-detailed-stats}: {@code time, threadId,
     * MB, MB.sec, nMsg, nMsg.sec, ...}, cumulative counts): the records counted from the last report within
     * {@code warmupSeconds} of its first report with records, to its last report, over the time between them. The
     * first report's interval is always left out: it includes the wait for the producer's first batch. A tool that
     * finished within the warm-up (its records are sized by the driver's rate, and it ran several times faster) is
     * measured from its first report with records instead: its whole run after that first interval.
     */
    static double consumerPerformanceRate(List<String> lines, long warmupSeconds) {
        LocalDateTime dataStart = null;
        long dataStartCount = 0;
        LocalDateTime firstTime = null;
        LocalDateTime lastTime = null;
        long firstCount = 0;
        long lastCount = 0;
        for (String line : lines) {
            String[] f = line.split(",\\s*");
            if (f.length < 6 || !f[0].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}")) {
                continue;
            }
            long count = Long.parseLong(f[4].trim());
            if (count == 0) {
                continue;
            }
            LocalDateTime time = LocalDateTime.parse(f[0].trim(), CONSUMER_PERF_TIME);
            if (dataStart == null) {
                dataStart = time;
                dataStartCount = count;
            }
            if (firstTime == null || !time.isAfter(dataStart.plusSeconds(warmupSeconds))) {
                firstTime = time;
                firstCount = count;
            }
            lastTime = time;
            lastCount = count;
        }
        if (firstTime != null && !lastTime.isAfter(firstTime)) {
            firstTime = dataStart; // every report fell within the warm-up
            firstCount = dataStartCount;
        }
        if (firstTime == null || !lastTime.isAfter(firstTime)) {
            throw new IllegalStateException("ConsumerPerformance printed fewer than two reports with records");
        }
        return (lastCount - firstCount) * 1000.0 / ChronoUnit.MILLIS.between(firstTime, lastTime);
    }

    // ---- NATS: nats bench's recipe ----

    private Parity nats(Workload workload, PerfRunner runner, PeerTools tools) {
        Peers where = options.peers();
        RunResult driver = runner.run(Targets.create(NatsTarget.NAME, where), workload);
        long warmup = warmupSeconds(runner);
        long records = withWarmup(driver, warmup);
        String mode = switch (workload.acks()) {
            case NONE -> "core";
            case APPENDED -> "js-memory";
            case STORED -> "js-file";
        };
        List<String> args = List.of(where.nats().toString(), mode, PeerTargets.phaseName(), Long.toString(records),
                Integer.toString(workload.recordSize()), Integer.toString(NatsTarget.window(workload)),
                Integer.toString(NatsTarget.pullBatch(workload)), Long.toString(warmup));
        String tool = String.format(Locale.ROOT, "nats bench's recipe reproduced in Java (NOT the nats tool, which is not"
                        + " packaged here; io.sluice.benchmarks.reference.NatsBenchRecipe, no code shared with the driver):"
                        + " %s, %,d msgs of %d B, separate publishing and subscribing connections, async publish batches of %d"
                        + " waited for in full, %s", mode, records, workload.recordSize(), NatsTarget.window(workload),
                mode.equals("core") ? "subscriber pending limits lifted"
                        : "durable consumer with explicit acks, pull batch " + NatsTarget.pullBatch(workload))
                + "; the subscriber's rate from " + warmup + " s after its first message to its last";
        try {
            Duration limit = Duration.ofNanos(phaseNanos(workload, driver)).multipliedBy(3).plus(TOOL_SLACK);
            List<String> lines = PeerTools.runReference("nats: nats bench's recipe", ChildJvm.SERVER_FLAGS,
                    NatsBenchRecipe.class, args, limit);
            return new Parity(NatsTarget.NAME, tool, natsRecipeRate(lines), driver, null);
        } catch (RuntimeException e) {
            return new Parity(NatsTarget.NAME, tool, 0, driver, TargetUnavailableException.oneLine(e));
        }
    }

    private static final Pattern NATS_RECIPE = Pattern.compile("nats-bench-recipe received \\d+ msgs in [0-9.]+ s after the warm-up: ([0-9.]+) msgs/s");

    static double natsRecipeRate(List<String> lines) {
        for (String line : lines) {
            Matcher m = NATS_RECIPE.matcher(line);
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
        }
        throw new IllegalStateException("the reference loop printed no rate");
    }

    /** The driver's warm-up just run, whole seconds: the tool's first seconds, as long, are left out of its figure. */
    private static long warmupSeconds(PerfRunner runner) {
        return (runner.lastWarmup().toMillis() + 999) / 1000;
    }

    /** Records for a tool to send: as many as the driver sent in its measured phase, plus as many for the warm-up. */
    private static long withWarmup(RunResult driver, long warmupSeconds) {
        long measured = Math.max(1, driver.sent());
        double seconds = Math.max(1e-3, driver.sendTime().toNanos() / 1e9);
        return measured + (long) (measured / seconds * warmupSeconds);
    }

    /** How long the driver's measured phase sent for: its send time, or the workload's duration when it failed early. */
    private static long phaseNanos(Workload workload, RunResult driver) {
        long sent = driver.sendTime().toNanos();
        if (sent > 0) {
            return sent;
        }
        return workload.countBased() ? Duration.ofSeconds(10).toNanos() : workload.duration().toNanos();
    }
}
