package io.sluice.kafka.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code server.properties} of one node of a cluster: broker and controller in one process (KRaft combined mode),
 * plaintext on 127.0.0.1, a static quorum whose voters are every node, topics created only on request, no initial
 * rebalance delay (as Kafka's own sample configuration for development). Everything else is Kafka's default, including
 * the flush policy (no fsync per write: Kafka counts on replication).
 *
 * <p>The internal topics (group offsets, transaction state, share-group state) get the replication a cluster of this
 * size can give: {@code min(3, n)} replicas, at least {@code min(2, n)} of them in sync. The group offsets topic has
 * one partition whatever the size: the perf lab's {@code kafka} target uses one group per phase, and on a small test
 * machine Kafka's default of 50 partitions (150 replicas on 3 nodes) slows the first group's join and a restarted
 * node's catching up.
 *
 * <p>With more than one node, a topic created without a replication factor gets the same: {@code min(3, n)} replicas
 * ({@code default.replication.factor}), at least {@code min(2, n)} in sync for an {@code acks=all} write
 * ({@code min.insync.replicas}), so that a test of a 3-node cluster writes as production does. With more than one node, failure detection takes seconds rather than Kafka's 9: a broker heartbeats every second
 * and is fenced (out of every in-sync replica set, its leaderships moved) 4 s after its last heartbeat. A killed
 * broker then holds up {@code acks=all} writes, and its own restart (which the quorum accepts once the killed
 * incarnation's session has ended), for 4 s instead of 9; 4 s is still four missed heartbeats, which a node on a busy
 * machine does not miss by accident. One node has no other to notice its failure, so it keeps Kafka's defaults: for
 * one node this is, line for line, the single broker the perf lab always ran.
 */
final class ServerProperties {
    /** {@code broker.heartbeat.interval.ms} with more than one node (Kafka's default: 2000). */
    static final int HEARTBEAT_INTERVAL_MS = 1_000;
    /** {@code broker.session.timeout.ms} with more than one node (Kafka's default: 9000). */
    static final int SESSION_TIMEOUT_MS = 4_000;

    private ServerProperties() {
    }

    /**
     * The configuration of {@code node}, one of {@code all} (in node id order), keeping its data in {@code data}.
     *
     * @throws IllegalArgumentException when {@code node} is not one of {@code all}
     */
    static String of(NodePorts node, List<NodePorts> all, Path data) {
        if (!all.contains(node)) {
            throw new IllegalArgumentException("node " + node + " is not one of the cluster's " + all);
        }
        int n = all.size();
        String replicas = Integer.toString(Math.min(3, n));
        String minInSync = Integer.toString(Math.min(2, n));
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=" + node.id(),
                "controller.quorum.voters=" + all.stream().map(NodePorts::voter).collect(Collectors.joining(",")),
                "listeners=PLAINTEXT://" + node.address() + ",CONTROLLER://" + NodePorts.HOST + ":" + node.controllerPort(),
                "advertised.listeners=PLAINTEXT://" + node.address(),
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + data.toString().replace("\\", "\\\\"),
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=" + replicas,
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=" + replicas,
                "transaction.state.log.min.isr=" + minInSync,
                "share.coordinator.state.topic.replication.factor=" + replicas,
                "share.coordinator.state.topic.min.isr=" + minInSync,
                "group.initial.rebalance.delay.ms=0",
                "") + (n == 1 ? "" : String.join("\n",
                "default.replication.factor=" + replicas,
                "min.insync.replicas=" + minInSync,
                "broker.heartbeat.interval.ms=" + HEARTBEAT_INTERVAL_MS,
                "broker.session.timeout.ms=" + SESSION_TIMEOUT_MS,
                ""));
    }
}
