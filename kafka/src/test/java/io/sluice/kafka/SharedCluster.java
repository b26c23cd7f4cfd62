package io.sluice.kafka;

import io.sluice.kafka.cluster.KafkaCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The 3-node KRaft cluster (replication factor 3 and {@code min.insync.replicas} 2 by default) that this module's
 * test classes share ({@code @ExtendWith(SharedCluster.class)}, then {@link #cluster()}): started by the first class
 * that asks, closed when the test run ends. Tests that kill brokers start their own.
 */
public final class SharedCluster implements BeforeAllCallback {
    private static volatile KafkaCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("sluice-kafka-cluster", k -> new Closing(KafkaCluster.start(3)), Closing.class).cluster;
    }

    static KafkaCluster cluster() {
        return cluster;
    }

    /** Deletes every consumer group of the cluster (they must have no members). */
    static void deleteAllGroups() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            List<String> groups = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(30, TimeUnit.SECONDS).stream()
                    .map(GroupListing::groupId).toList();
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("deleting the groups the previous test left failed", e);
        }
    }

    /** Closes the cluster with the store. */
    private record Closing(KafkaCluster cluster) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
