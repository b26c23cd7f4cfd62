package io.sluice.kafka.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One node of a {@link KafkaCluster}: its ports, its directory (its data in {@code data}, its {@code server.properties},
 * and {@code broker.log}, the child's standard output and error, the runs of every restart appended) and the child JVM
 * that runs {@link KafkaNodeMain} there. Whether the cluster took it down on purpose ({@link #isDown}) is kept here, so
 * that a node that died by itself is told apart from one that was killed.
 */
final class KafkaNode {
    static final String CONFIG = "server.properties";
    static final String LOG = "broker.log";

    private final NodePorts ports;
    private final ChildJvm child;
    private volatile boolean down;

    private KafkaNode(NodePorts ports, ChildJvm child) {
        this.ports = ports;
        this.child = child;
    }

    /**
     * Writes the node's configuration in a new temporary directory and starts its child JVM there (without waiting for
     * it); on failure nothing is left behind.
     */
    static KafkaNode start(NodePorts ports, List<NodePorts> all, String clusterId, List<String> jvmFlags) throws IOException {
        Path dir = TempDirectories.create("sluice-kafka-node-" + ports.id() + "-");
        try {
            Files.writeString(dir.resolve(CONFIG), ServerProperties.of(ports, all, dir.resolve("data")), StandardCharsets.UTF_8);
            List<String> flags = new ArrayList<>(jvmFlags);
            // the child logs everything at info, with times, to its standard error, which goes to broker.log (system
            // properties: they win over any simplelogger.properties on the class path it shares with this JVM)
            flags.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
            flags.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
            flags.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
            flags.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS");
            String subject = "Kafka node " + ports.id() + " of " + all.size();
            ChildJvm child = ChildJvm.start(subject, dir, LOG, flags, KafkaNodeMain.class, List.of(dir.toString(), clusterId));
            return new KafkaNode(ports, child);
        } catch (IOException | RuntimeException e) {
            TempDirectories.delete(dir);
            throw e;
        }
    }

    int id() {
        return ports.id();
    }

    /** {@code 127.0.0.1:port}. */
    String address() {
        return ports.address();
    }

    long pid() {
        return child.pid();
    }

    boolean isAlive() {
        return child.isAlive();
    }

    /** Whether the cluster killed or stopped this node and has not restarted it. */
    boolean isDown() {
        return down;
    }

    Path dir() {
        return child.dir();
    }

    String logTail() {
        return child.logTail();
    }

    void kill() {
        down = true;
        child.kill();
    }

    void stop() {
        down = true;
        child.stop();
    }

    /** Starts the node again on its ports and data (not waiting for it). */
    void restart() throws IOException {
        child.restart();
        down = false;
    }

    /**
     * Waits until the node accepts connections.
     *
     * @throws ChildJvmException when it exits first or does not within {@code timeout}, with the tail of its log
     */
    void awaitListening(Duration timeout) {
        child.await(() -> listening() ? Optional.of(Boolean.TRUE) : Optional.empty(), timeout,
                "accept connections at " + address());
    }

    /** As {@link ChildJvm#await}: until {@code ready} gives a value, while the node runs. */
    <T> T await(Supplier<Optional<T>> ready, Duration timeout, String awaited) {
        return child.await(ready, timeout, awaited);
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(NodePorts.HOST, ports.port()), 250);
            return true;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** Kills the node (its data is about to go: nothing to shut down in order) and deletes its directory; idempotent. */
    void close() {
        child.kill();
        child.close();
    }
}
