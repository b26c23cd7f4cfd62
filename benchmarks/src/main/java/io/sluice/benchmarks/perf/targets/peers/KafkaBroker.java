package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.process.ChildJvm;
import io.sluice.benchmarks.perf.process.TempDirectories;
import java.io.IOException;
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
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * A single-node Kafka broker for the {@code kafka} target: KRaft, broker and controller in one process, run as a
 * child JVM so that its CPU time and garbage collection are its own and not the measuring JVM's.
 *
 * <p>The child ({@link ChildJvm}) runs {@link Main} with the heap and GC flags Kafka's start scripts use, listens on
 * two free ports of 127.0.0.1 (clients and controller) and keeps its data, its configuration and its log
 * ({@code broker.log}: the child's standard output and error) in a temporary directory. {@link #start} returns once
 * the broker accepts connections; {@link #close} stops it (a SIGTERM, which runs Kafka's own orderly shutdown, then a
 * kill if that takes too long) and deletes the directory, as a shutdown hook does when this JVM ends first (Ctrl-C);
 * the child exits by itself when this process is gone (even after a {@code kill -9}).
 */
public final class KafkaBroker implements AutoCloseable {
    /** How long the broker may take to accept connections. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** The heap of {@code kafka-server-start.sh} and the GC flags of {@code kafka-run-class.sh}. */
    static final List<String> JVM_FLAGS = ChildJvm.SERVER_FLAGS;

    private final ChildJvm child;
    private final int port;

    private KafkaBroker(ChildJvm child, int port) {
        this.child = child;
        this.port = port;
    }

    /**
     * Starts a broker and waits until it accepts connections.
     *
     * @throws TargetUnavailableException when it cannot be started, exits, or does not listen within
     *                                    {@link #START_TIMEOUT}; the message ends with the tail of its log
     */
    public static KafkaBroker start() {
        return start(START_TIMEOUT);
    }

    public static KafkaBroker start(Duration timeout) {
        Path dir = null;
        int[] ports;
        ChildJvm child;
        try {
            dir = Files.createTempDirectory("sluice-perf-kafka-");
            ports = freePorts(2);
            Files.writeString(dir.resolve("server.properties"), config(dir, ports[0], ports[1]), StandardCharsets.UTF_8);
            List<String> flags = new ArrayList<>(JVM_FLAGS);
            // the child logs everything at info to its standard error, which goes to broker.log
            flags.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
            flags.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
            child = ChildJvm.start("kafka: the broker", dir, "broker.log", flags, Main.class, List.of(dir.toString()));
        } catch (IOException e) {
            TempDirectories.delete(dir);
            throw new TargetUnavailableException("kafka: cannot start a broker in a child JVM: " + e, e);
        }
        KafkaBroker broker = new KafkaBroker(child, ports[0]);
        try {
            child.await(() -> broker.listening() ? Optional.of(Boolean.TRUE) : Optional.empty(), timeout,
                    "accept connections at " + broker.bootstrap());
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Where clients connect: {@code 127.0.0.1:port}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The child JVM's process id. */
    long pid() {
        return child.pid();
    }

    /** The temporary directory holding the data, the configuration and {@code broker.log}. */
    Path dir() {
        return child.dir();
    }

    /** One line for the result's details: the process, the Kafka version, the address, the JVM flags, the directory. */
    String describe() {
        return String.format(Locale.ROOT, "child JVM pid %d, Kafka %s (KRaft, broker+controller) at %s, %s, data in %s",
                pid(), AppInfoParser.getVersion(), bootstrap(), String.join(" ", JVM_FLAGS), dir());
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 250);
            return true;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** The last lines of {@code broker.log}. */
    String logTail() {
        return child.logTail();
    }

    /** Stops the broker and deletes its directory; idempotent. */
    @Override
    public void close() {
        child.close();
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
     * The child JVM's entry point: {@code Main <dir>}. Formats the storage of
     * {@code <dir>/server.properties} with a new cluster id (Kafka's storage tool), then runs the server as
     * {@code kafka-server-start.sh} does; exits when the parent process is gone.
     */
    static final class Main {
        private Main() {
        }

        public static void main(String[] args) {
            String config = Path.of(args[0], "server.properties").toString();
            ChildJvm.exitWithParent("the broker");
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
