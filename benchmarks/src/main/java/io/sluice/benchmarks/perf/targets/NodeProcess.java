package io.sluice.benchmarks.perf.targets;

import io.sluice.Sluice;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.kafka.cluster.ChildJvm;
import io.sluice.kafka.cluster.ChildJvmException;
import io.sluice.kafka.cluster.TempDirectories;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sluice node for the {@code sluice-tcp} target, run as a child JVM ({@link ChildJvm}: the Kafka broker's maximum heap,
 * and a small young generation ({@link #JVM_FLAGS}), its log {@code node.log} in a temporary directory, stopped and
 * removed on {@link #close}, and gone with this process whatever ends it).
 *
 * <p>The child ({@link #main}) opens the engine the {@code sluice-embedded} target runs
 * ({@link SluiceEmbeddedTarget#engineOptions()}: memory store) and serves it with a {@link SluiceServer} on
 * 127.0.0.1 and a free port, which it prints on its standard output; {@link #start} reads that line from the log and
 * returns once the node listens.
 */
final class NodeProcess implements AutoCloseable {
    /** How long the node may take to listen. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The node's JVM: the Kafka broker's maximum heap ({@link ChildJvm#SERVER_FLAGS}) and G1, with a young generation of
     * 32 MiB whose survivors go straight to the old one. The memory log keeps its records in large arrays that G1 never
     * moves (see {@code MemoryLog}), so a young collection has little to copy, and a small young generation keeps the
     * memory the node touches small, which on this lab's host (a paravirtualized guest whose kernel samples page
     * accesses every 500 ms) costs time of its own: ZGC on a 1 GiB heap had a p99 of 25-30 ms at 100,000 records/s
     * where this has 4-8 ms, at the same throughput, and committing the whole heap up front ({@code -Xms1g}) doubled
     * the p99 (benchmarks/RESULTS.md).
     */
    static final List<String> JVM_FLAGS = List.of("-Xmx1g", "-XX:+UseG1GC", "-Xmn32m", "-XX:MaxTenuringThreshold=0",
            "-Djava.awt.headless=true");
    /** The frame size the node accepts and the client reads unless the workload needs more. */
    static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
    /** Room for a batch's or a delivery frame's own headers on top of its records. */
    private static final int FRAME_OVERHEAD = 64 * 1024;
    private static final String HOST = "127.0.0.1";
    private static final String LISTENING = "sluice-perf node listening on ";
    private static final Pattern LISTENING_LINE = Pattern.compile(Pattern.quote(LISTENING) + "(\\S+):(\\d+)");

    private final ChildJvm child;
    private final int port;
    private final int maxFrameSize;

    private NodeProcess(ChildJvm child, int port, int maxFrameSize) {
        this.child = child;
        this.port = port;
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * The largest frame a run of {@code workload} sends or receives: a producer batch is at most {@code --batch-size}
     * or one record, and a delivery frame holds at least one record.
     */
    static int maxFrameSize(Workload workload) {
        long needed = (long) Math.max(workload.batchSize(), workload.recordSize()) + FRAME_OVERHEAD;
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(DEFAULT_MAX_FRAME_SIZE, needed));
    }

    /** The server's options: loopback, a free port, frames up to {@code maxFrameSize}, the rest the defaults. */
    static ServerOptions serverOptions(int maxFrameSize) {
        return ServerOptions.create().host(HOST).port(0).maxFrameSize(maxFrameSize);
    }

    /**
     * Starts a node accepting frames of up to {@code maxFrameSize} bytes and waits until it listens.
     *
     * @throws TargetUnavailableException when it cannot be started, exits, or does not listen within
     *                                    {@link #START_TIMEOUT}; the message ends with the tail of its log
     */
    static NodeProcess start(int maxFrameSize) {
        return start(maxFrameSize, START_TIMEOUT);
    }

    static NodeProcess start(int maxFrameSize, Duration timeout) {
        Path dir = TempDirectories.create("sluice-perf-node-");
        ChildJvm child;
        try {
            child = ChildJvm.start(SluiceTcpTarget.NAME + ": the node", dir, "node.log", JVM_FLAGS, NodeProcess.class,
                    List.of(Integer.toString(maxFrameSize)));
        } catch (IOException e) {
            TempDirectories.delete(dir);
            throw new TargetUnavailableException(SluiceTcpTarget.NAME + ": cannot start a node in a child JVM: " + e, e);
        }
        try {
            int port = child.await(() -> listeningPort(child.logLines()), timeout, "print the port it listens on");
            return new NodeProcess(child, port, maxFrameSize);
        } catch (ChildJvmException e) {
            child.close();
            throw new TargetUnavailableException(e.getMessage(), e); // already "sluice-tcp: the node ..."
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** The port of the node's "listening" line, once it printed it. */
    static Optional<Integer> listeningPort(List<String> log) {
        for (String line : log) {
            Matcher m = LISTENING_LINE.matcher(line);
            if (m.matches()) {
                return Optional.of(Integer.parseInt(m.group(2)));
            }
        }
        return Optional.empty();
    }

    String host() {
        return HOST;
    }

    int port() {
        return port;
    }

    /** {@code host:port}. */
    String address() {
        return HOST + ":" + port;
    }

    /** The child JVM's process id. */
    long pid() {
        return child.pid();
    }

    /** One line for the result's details: the process, what it serves, its server settings and JVM flags, its log. */
    String describe() {
        ServerOptions options = serverOptions(maxFrameSize);
        return String.format(Locale.ROOT, "child JVM pid %d, SluiceServer at %s serving Sluice.embedded (memory store);"
                        + " max frame %,d bytes, heartbeat %s, no TLS, no tokens; %s, log in %s",
                pid(), address(), options.maxFrameSize(), Durations.format(options.heartbeat()),
                String.join(" ", JVM_FLAGS), child.log());
    }

    /** Stops the node and deletes its directory; idempotent. */
    @Override
    public void close() {
        child.close();
    }

    /**
     * The child JVM's entry point: {@code NodeProcess <max frame size>}. Serves a new memory engine until it is
     * stopped (a SIGTERM: the memory store has nothing to keep) or this tool is gone.
     */
    public static void main(String[] args) {
        ChildJvm.exitWithParent("the node");
        Sluice engine = Sluice.embedded(SluiceEmbeddedTarget.engineOptions());
        SluiceServer server = SluiceServer.start(engine, serverOptions(Integer.parseInt(args[0])));
        System.out.println(LISTENING + server.host() + ":" + server.port());
        System.out.flush();
        server.onClose().block();
    }
}
