package io.sluice.benchmarks.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * A single-node Kafka broker for the {@code kafka} target: KRaft, broker and controller in one process, run as a
 * child JVM so that its CPU time and garbage collection are its own and not the measuring JVM's.
 *
 * <p>The child runs {@link Main} from this JVM's own class path (the shaded jar, or the test class path) with the
 * heap and GC flags Kafka's start scripts use, listens on two free ports of 127.0.0.1 (clients and controller) and
 * keeps its data, its configuration and its log ({@code broker.log}: the child's standard output and error) in a
 * temporary directory. {@link #start} returns once the broker accepts connections; {@link #close} stops it (a
 * SIGTERM, which runs Kafka's own orderly shutdown, then a kill if that takes too long) and deletes the directory.
 * A shutdown hook does the same when this JVM ends first (Ctrl-C), and the child exits by itself when this
 * process is gone (even after a {@code kill -9}).
 */
final class KafkaBroker implements AutoCloseable {
    /** How long the broker may take to accept connections. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** The heap of {@code kafka-server-start.sh} and the GC flags of {@code kafka-run-class.sh}. */
    static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 15;

    private final Process process;
    private final Path dir;
    private final int port;
    private final Thread shutdownHook;
    private boolean closed;

    private KafkaBroker(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.shutdownHook = new Thread(this::stop, "sluice-perf-kafka-broker-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker and waits until it accepts connections.
     *
     * @throws TargetUnavailableException when it cannot be started, exits, or does not listen within
     *                                    {@link #START_TIMEOUT}; the message ends with the tail of its log
     */
    static KafkaBroker start() {
        return start(START_TIMEOUT);
    }

    static KafkaBroker start(Duration timeout) {
        Path dir;
        int[] ports;
        Process process;
        try {
            dir = Files.createTempDirectory("sluice-perf-kafka-");
            ports = freePorts(2);
            Files.writeString(dir.resolve("server.properties"), config(dir, ports[0], ports[1]), StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(JVM_FLAGS);
            // the child logs everything at info to its standard error, which goes to broker.log
            command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
            command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
            command.add("-cp");
            command.add(absoluteClassPath());
            command.add(Main.class.getName());
            command.add(dir.toString());
            command.add(Long.toString(ProcessHandle.current().pid()));
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("broker.log").toFile()).start();
        } catch (IOException e) {
            throw new TargetUnavailableException("kafka: cannot start a broker in a child JVM: " + e, e);
        }
        KafkaBroker broker = new KafkaBroker(process, dir, ports[0]);
        try {
            broker.awaitListening(timeout);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Where clients connect: {@code 127.0.0.1:port}. */
    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The child JVM's process id. */
    long pid() {
        return process.pid();
    }

    /** The temporary directory holding the data, the configuration and {@code broker.log}. */
    Path dir() {
        return dir;
    }

    /** One line for the result's details: the process, the Kafka version, the address, the JVM flags, the directory. */
    String describe() {
        return String.format(Locale.ROOT, "child JVM pid %d, Kafka %s (KRaft, broker+controller) at %s, %s, data in %s",
                pid(), AppInfoParser.getVersion(), bootstrap(), String.join(" ", JVM_FLAGS), dir);
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            if (!process.isAlive()) {
                throw new TargetUnavailableException("kafka: the broker's child JVM exited with code " + process.exitValue()
                        + " while starting; the end of its log " + dir.resolve("broker.log") + ":\n" + logTail(), null);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 250);
                return;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TargetUnavailableException("kafka: the broker in a child JVM did not accept connections at "
                        + bootstrap() + " within " + Durations.format(timeout) + "; the end of its log:\n" + logTail(), null);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS); // a pause that ends early if the child exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException("kafka: interrupted while the broker was starting", e);
            }
        }
    }

    /** The last lines of {@code broker.log}. */
    String logTail() {
        try (Stream<String> lines = Files.lines(dir.resolve("broker.log"), StandardCharsets.UTF_8)) {
            List<String> all = lines.collect(Collectors.toList());
            return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the broker and deletes its directory; idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // this JVM is shutting down: the hook is running or has run
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        TempDirectories.delete(dir);
    }

    /** This JVM's class path with absolute entries: the child runs in its own directory ({@code java -jar} gives a relative one). */
    private static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    /** {@code n} distinct ports free on 127.0.0.1 right now (held open together so that they differ). */
    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                sockets.add(s);
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * The broker's configuration: one node that is broker and controller, plaintext on 127.0.0.1, topics created
     * only on request, internal topics with one replica (and the group offsets topic with one partition: the
     * target uses one group per phase), and no initial rebalance delay (as Kafka's own sample configuration for
     * development). Everything else is Kafka's default, including the flush policy (no fsync per write).
     */
    static String config(Path dir, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dir.resolve("data").toString().replace("\\", "\\\\"),
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    /**
     * The child JVM's entry point: {@code Main <dir> <parent pid>}. Formats the storage of
     * {@code <dir>/server.properties} with a new cluster id (Kafka's storage tool), then runs the server as
     * {@code kafka-server-start.sh} does; exits when the parent process is gone.
     */
    static final class Main {
        private Main() {
        }

        public static void main(String[] args) {
            String config = Path.of(args[0], "server.properties").toString();
            long parent = Long.parseLong(args[1]);
            ProcessHandle.of(parent).ifPresentOrElse(p -> p.onExit().thenRun(() -> {
                System.err.println("sluice-perf: the parent process " + parent + " is gone; stopping the broker");
                System.exit(0);
            }), () -> System.exit(0));
            int formatted = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config}, System.out);
            if (formatted != 0) {
                System.err.println("sluice-perf: formatting the storage failed (" + formatted + ")");
                System.exit(formatted);
            }
            kafka.Kafka.main(new String[] {config});
        }
    }
}
