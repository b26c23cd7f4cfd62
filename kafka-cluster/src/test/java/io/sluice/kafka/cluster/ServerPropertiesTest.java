package io.sluice.kafka.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerPropertiesTest {
    private static final Path DATA = Path.of("/tmp/k/data");

    @Test
    void oneNodeIsTheSingleBrokerThePerfLabAlwaysRanLineForLine() {
        NodePorts node = new NodePorts(1, 9092, 9093);

        // KafkaBroker.config(dir, 9092, 9093) of the perf lab before the cluster replaced it
        assertThat(ServerProperties.of(node, List.of(node), DATA)).isEqualTo(String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:9093",
                "listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
                "advertised.listeners=PLAINTEXT://127.0.0.1:9092",
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=/tmp/k/data",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
    }

    @Test
    void everyNodeOfThreeVotesAndTheInternalTopicsHaveThreeReplicasTwoInSync() {
        List<NodePorts> all = List.of(new NodePorts(1, 9092, 9093), new NodePorts(2, 9094, 9095), new NodePorts(3, 9096, 9097));

        String second = ServerProperties.of(all.get(1), all, DATA);

        assertThat(second.lines()).contains(
                "node.id=2",
                "controller.quorum.voters=1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097",
                "listeners=PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095",
                "advertised.listeners=PLAINTEXT://127.0.0.1:9094",
                "offsets.topic.replication.factor=3",
                "transaction.state.log.replication.factor=3",
                "transaction.state.log.min.isr=2",
                "share.coordinator.state.topic.replication.factor=3",
                "share.coordinator.state.topic.min.isr=2",
                "default.replication.factor=3",
                "min.insync.replicas=2",
                "broker.heartbeat.interval.ms=1000",
                "broker.session.timeout.ms=4000");
    }

    @Test
    void twoNodesReplicateTheInternalTopicsTwiceWithTwoInSync() {
        List<NodePorts> all = List.of(new NodePorts(1, 9092, 9093), new NodePorts(2, 9094, 9095));

        assertThat(ServerProperties.of(all.get(0), all, DATA).lines())
                .contains("offsets.topic.replication.factor=2", "transaction.state.log.min.isr=2",
                        "share.coordinator.state.topic.min.isr=2");
    }

    @Test
    void aNodeOutsideTheClusterIsRefused() {
        List<NodePorts> all = List.of(new NodePorts(1, 9092, 9093));

        assertThatThrownBy(() -> ServerProperties.of(new NodePorts(2, 9094, 9095), all, DATA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one of the cluster's");
    }
}
