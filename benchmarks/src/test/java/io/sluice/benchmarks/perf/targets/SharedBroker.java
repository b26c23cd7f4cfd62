package io.sluice.benchmarks.perf.targets;

import io.sluice.benchmarks.perf.targets.peers.KafkaTarget;
import io.sluice.kafka.cluster.KafkaCluster;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The perf lab's one-node Kafka broker ({@link KafkaTarget#startBroker()}) that the Kafka target test classes share
 * ({@code @ExtendWith(SharedBroker.class)}, then {@link #broker()}): started by the first class that asks, closed when
 * the test run ends. Each run makes a topic of its own ({@code PeerTargets.phaseName()}), so classes do not meet on it.
 */
public final class SharedBroker implements BeforeAllCallback {
    private static volatile KafkaCluster broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("sluice-perf-kafka-broker", k -> new Closing(KafkaTarget.startBroker()), Closing.class).broker;
    }

    public static KafkaCluster broker() {
        return broker;
    }

    /** Closes the broker with the store. */
    private record Closing(KafkaCluster broker) implements AutoCloseable {
        @Override
        public void close() {
            broker.close();
        }
    }
}
