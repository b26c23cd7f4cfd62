package io.sluice.kafka.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * A Kafka cluster of one or more nodes on 127.0.0.1, each node a combined broker and controller (KRaft) in a child JVM
 * of its own, for tests that need a real Kafka (several brokers, a broker killed and restarted mid-run) and for the
 * perf lab's {@code kafka} target (one node with Kafka's own server flags).
 *
 * <p>The nodes are numbered 1 to {@link #size()}: the number is the node's Kafka {@code node.id}, so that what the
 * Admin client reports (a partition's leader, the in-sync replicas) names the node to {@link #kill} or
 * {@link #restart}. They share one cluster id and a static quorum whose voters are every node
 * ({@code controller.quorum.voters}); each listens on two ports (clients and controller) chosen once, when the cluster
 * starts, and kept across restarts; each keeps its data, its configuration and its log ({@code broker.log}) in a
 * temporary directory of its own. The configuration is {@code ServerProperties}': topics only on request, the internal
 * topics replicated {@code min(3, n)} times with {@code min(2, n)} in sync, no initial rebalance delay, and with more
 * than one node a broker fenced 4 s after its last heartbeat (Kafka's default: 9 s).
 *
 * <p>A node can be {@linkplain #kill killed} (SIGKILL: a crash) or {@linkplain #stop stopped} (Kafka's orderly
 * shutdown) and {@linkplain #restart restarted}: the same JVM command on the same ports and data, which it recovers
 * (the storage is formatted only the first time). {@link #close} kills every node and deletes their directories (a
 * shutdown hook stops them and deletes the directories if this JVM ends first); the children exit by themselves when
 * this process is gone, even after a {@code kill -9} ({@link ChildJvm}).
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.start(3)) {        // returns once all 3 brokers are in the cluster
 *     Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()));
 *     ...
 *     kafka.kill(2);                                         // SIGKILL; its data stays
 *     ...
 *     kafka.restart(2);                                      // back on the same ports and data
 * }
 * }</pre>
 *
 * <p>Thread-safety: the methods may be called from any thread; killing, stopping and restarting one node are
 * serialised per node.
 */
public final class KafkaCluster implements AutoCloseable {
    /**
     * The JVM flags of a test cluster's nodes ({@link #start(int)}): a small fixed heap (256 MiB: a test's broker holds
     * little), the serial collector (no GC threads to compete for a small machine's cores) and the C1 compiler only
     * (a broker that lives for a test starts faster than it would gain from C2). Three such nodes are ready 7-8 s after
     * {@code start(3)} on two otherwise idle cores, about 14 s beside another build.
     */
    public static final List<String> TEST_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");
    /**
     * How long {@link #start} waits for every node, and {@link #restart} for one, to be in the cluster: generous, since
     * three JVMs starting together on two cores share them with whatever else the machine runs.
     */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final List<KafkaNode> nodes;
    private final List<String> jvmFlags;
    private volatile boolean closed;

    private KafkaCluster(List<KafkaNode> nodes, List<String> jvmFlags) {
        this.nodes = List.copyOf(nodes);
        this.jvmFlags = List.copyOf(jvmFlags);
    }

    /**
     * Starts a cluster of {@code nodes} nodes with the {@linkplain #TEST_FLAGS test flags} and returns once it is
     * {@linkplain #awaitReady ready}.
     *
     * @throws ChildJvmException when a node cannot be started, exits, or is not in the cluster within
     *                           {@link #START_TIMEOUT}; the message ends with the tail of that node's log, and
     *                           nothing started is left running
     */
    public static KafkaCluster start(int nodes) {
        return start(nodes, TEST_FLAGS);
    }

    /**
     * Starts a cluster of {@code nodes} nodes whose JVMs run with {@code jvmFlags} (the perf lab passes Kafka's own
     * server flags, {@link ChildJvm#SERVER_FLAGS}) and returns once it is {@linkplain #awaitReady ready}. The nodes
     * start together: every child JVM is launched before any is waited for.
     *
     * @throws IllegalArgumentException when {@code nodes} is less than 1
     * @throws ChildJvmException        when a node cannot be started, exits, or is not in the cluster within
     *                                  {@link #START_TIMEOUT}; the message ends with the tail of that node's log, and
     *                                  nothing started is left running
     */
    public static KafkaCluster start(int nodes, List<String> jvmFlags) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
        }
        List<KafkaNode> started = new ArrayList<>();
        try {
            int[] ports = FreePorts.take(2 * nodes);
            List<NodePorts> all = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                all.add(new NodePorts(i + 1, ports[2 * i], ports[2 * i + 1]));
            }
            String clusterId = Uuid.randomUuid().toString();
            for (NodePorts node : all) {
                started.add(KafkaNode.start(node, all, clusterId, jvmFlags));
            }
            KafkaCluster cluster = new KafkaCluster(started, jvmFlags);
            cluster.awaitReady(START_TIMEOUT);
            return cluster;
        } catch (IOException e) {
            started.forEach(KafkaNode::close);
            throw new ChildJvmException("cannot start a Kafka node in a child JVM: " + e, e);
        } catch (RuntimeException e) {
            started.forEach(KafkaNode::close);
            throw e;
        }
    }

    /** The number of nodes, running or not. */
    public int size() {
        return nodes.size();
    }

    /** Every node's {@code 127.0.0.1:port}, comma-separated, in node order (down ones too: clients skip them). */
    public String bootstrap() {
        return nodes.stream().map(KafkaNode::address).collect(Collectors.joining(","));
    }

    /** Node {@code node}'s {@code 127.0.0.1:port}; the same across restarts. */
    public String bootstrap(int node) {
        return node(node).address();
    }

    /** The process id of node {@code node}'s child JVM (its latest start). */
    public long pid(int node) {
        return node(node).pid();
    }

    /** Whether node {@code node}'s child JVM runs. */
    public boolean isAlive(int node) {
        return node(node).isAlive();
    }

    /** Node {@code node}'s directory: {@code data}, {@code server.properties} and {@code broker.log}. */
    public Path dir(int node) {
        return node(node).dir();
    }

    /** The last lines of node {@code node}'s {@code broker.log}. */
    public String logTail(int node) {
        return node(node).logTail();
    }

    /** The flags the nodes' JVMs run with. */
    public List<String> jvmFlags() {
        return jvmFlags;
    }

    /**
     * Kills node {@code node} at once (SIGKILL, as a crash: no controlled shutdown, nothing flushed) and returns once
     * its process is gone. Its ports and data are kept for {@link #restart}; nothing happens when it is down already.
     */
    public void kill(int node) {
        node(node).kill();
    }

    /**
     * Stops node {@code node} in order (SIGTERM: Kafka's controlled shutdown, which moves its leaderships first; a kill
     * after 20 s) and returns once its process is gone. Its ports and data are kept for {@link #restart}.
     */
    public void stop(int node) {
        node(node).stop();
    }

    /**
     * Starts node {@code node} again after {@link #kill} or {@link #stop}, on the same ports and data (not reformatted:
     * it recovers its log as a restarted broker does), and returns once it is back in the cluster: it accepts
     * connections and the cluster lists it among its brokers. (Its replicas may still be catching up: a test that
     * needs them in sync again waits for the in-sync replicas it needs.)
     *
     * @throws IllegalStateException when the node still runs
     * @throws ChildJvmException     when it cannot be started, exits, or is not back within {@link #START_TIMEOUT};
     *                               the message ends with the tail of its log
     */
    public void restart(int node) {
        KafkaNode n = node(node);
        try {
            n.restart();
        } catch (IOException e) {
            throw new ChildJvmException("cannot restart Kafka node " + node + " in a child JVM: " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        n.awaitListening(remaining(deadline));
        try (Admin admin = admin(List.of(n))) {
            awaitListed(admin, n, deadline);
        }
    }

    /**
     * Waits until the cluster is whole again but for the nodes taken down on purpose: every node not
     * {@linkplain #kill killed} or {@linkplain #stop stopped} runs, accepts connections, and is listed among the
     * cluster's brokers (the Admin client's {@code describeCluster}, which lists the brokers registered with the
     * controller quorum and not fenced).
     *
     * @throws ChildJvmException when such a node has exited, or is not there within {@code timeout}; the message ends
     *                           with the tail of its log
     */
    public void awaitReady(Duration timeout) {
        requireOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<KafkaNode> up = nodes.stream().filter(n -> !n.isDown()).collect(Collectors.toList());
        if (up.isEmpty()) {
            return;
        }
        for (KafkaNode n : up) {
            n.awaitListening(remaining(deadline));
        }
        try (Admin admin = admin(up)) {
            for (KafkaNode n : up) {
                awaitListed(admin, n, deadline);
            }
        }
    }

    private static void awaitListed(Admin admin, KafkaNode node, long deadline) {
        node.await(() -> listed(admin, node.id()), remaining(deadline),
                "join the cluster (be listed by describeCluster as broker " + node.id() + ")");
    }

    /** {@code TRUE} when describeCluster lists broker {@code id}; empty when not, or when the question failed. */
    private static Optional<Boolean> listed(Admin admin, int id) {
        try {
            List<Integer> ids = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes()
                    .get(5, TimeUnit.SECONDS).stream().map(Node::id).collect(Collectors.toList());
            return ids.contains(id) ? Optional.of(Boolean.TRUE) : Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty(); // no broker answered yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the await's pause ends at once and reports it
            return Optional.empty();
        }
    }

    private static Admin admin(List<KafkaNode> through) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, through.stream().map(KafkaNode::address).collect(Collectors.joining(",")),
                AdminClientConfig.CLIENT_ID_CONFIG, "sluice-kafka-cluster-await",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000));
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /**
     * One line for a run's details: the processes, the Kafka version, the addresses, the JVM flags, the directories.
     * For one node: {@code child JVM pid 4242, Kafka 4.1.2 (KRaft, broker+controller) at 127.0.0.1:40123, -Xms1g ...,
     * data in /tmp/sluice-kafka-node-1-123}.
     */
    public String describe() {
        String processes = nodes.size() == 1 ? "child JVM pid " + pid(nodes.get(0))
                : nodes.size() + " child JVMs, pids " + nodes.stream().map(KafkaCluster::pid).collect(Collectors.joining(", "));
        String kind = nodes.size() == 1 ? "KRaft, broker+controller"
                : "KRaft, " + nodes.size() + " nodes each broker+controller, all voters";
        return String.format(Locale.ROOT, "%s, Kafka %s (%s) at %s, %s, data in %s", processes, AppInfoParser.getVersion(),
                kind, bootstrap(), String.join(" ", jvmFlags),
                nodes.stream().map(n -> n.dir().toString()).collect(Collectors.joining(", ")));
    }

    private static String pid(KafkaNode node) {
        return node.pid() + (node.isDown() ? " (down)" : "");
    }

    /**
     * Kills every node and deletes their directories; idempotent. Killed, not stopped in order: their data goes with
     * them, and a cluster stopped node by node loses its controller quorum on the way, after which the last brokers'
     * controlled shutdown waits for a controller that is gone (20 s, then a kill, in a test here).
     */
    @Override
    public void close() {
        closed = true;
        nodes.forEach(KafkaNode::close);
    }

    private KafkaNode node(int node) {
        requireOpen();
        if (node < 1 || node > nodes.size()) {
            throw new IllegalArgumentException("node must be 1 to " + nodes.size() + ", was " + node);
        }
        return nodes.get(node - 1);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the Kafka cluster is closed");
        }
    }
}
