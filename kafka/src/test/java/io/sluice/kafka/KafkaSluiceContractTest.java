package io.sluice.kafka;

import io.sluice.Sluice;
import io.sluice.contract.SluiceContractTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * The core's contract, unchanged, against {@link KafkaSluice} on a 3-node KRaft cluster (replication factor 3,
 * {@code min.insync.replicas} 2) that the tests start in child JVMs.
 *
 * <p>Excluded, because Kafka has no such thing (each also named, with this reason, in the test report):
 * <ul>
 *   <li>{@code backpressureHoldsAProducerTenTimesFasterThanItsConsumerWithinMaxBacklog},
 *       {@code dropOldestKeepsTheNewestRecordsAndSkipsTheRestForSlowGroups}, {@code failRefusesSendsBeyondMaxBacklog},
 *       {@code aTopicNoGroupHasJoinedHasNoBacklogUnderFailButDropOldestKeepsOnlyTheNewestMaxBacklogRecords},
 *       {@code maxBacklogCountsEachPartitionOnItsOwn}: a Kafka topic has no backlog bound per group and no overflow
 *       policy (retention alone bounds it): {@code KafkaAdmin} refuses {@code DROP_OLDEST} and {@code FAIL}, and a
 *       producer is never held for a slow group. A slow consumer's memory is bounded by its prefetch instead
 *       ({@code KafkaBackpressureTest}).</li>
 *   <li>{@code membersJoiningAndLeavingTriggerRebalancesWithGenerations}: its second member subscribes for 200 ms, less
 *       than a Kafka join (a rebalance of the group's members) may take, so that member may leave before it joined.
 *       {@code KafkaGroupTest#eachRebalanceOfAGroupIsAnnouncedWithTheNextGeneration} checks the same generations with the
 *       second member leaving once it has joined.</li>
 * </ul>
 *
 * <p>One difference in what the tests wait for: with {@code Acks.APPENDED} (Kafka's acks 1) a send is acknowledged
 * once the partition's leader has the records, and consumers and offset listings see them once the in-sync replicas
 * have them too (Kafka's high watermark), a moment later. The engine shows an appended record at once, and the tests
 * read right after they produce; {@link #awaitVisible} here waits for that moment.
 */
@ExtendWith(SharedCluster.class)
class KafkaSluiceContractTest extends SluiceContractTest {
    private static final Map<String, String> EXCLUDED = Map.of(
            "backpressureHoldsAProducerTenTimesFasterThanItsConsumerWithinMaxBacklog", NO_BACKLOG_BOUND(),
            "dropOldestKeepsTheNewestRecordsAndSkipsTheRestForSlowGroups", NO_BACKLOG_BOUND(),
            "failRefusesSendsBeyondMaxBacklog", NO_BACKLOG_BOUND(),
            "aTopicNoGroupHasJoinedHasNoBacklogUnderFailButDropOldestKeepsOnlyTheNewestMaxBacklogRecords", NO_BACKLOG_BOUND(),
            "maxBacklogCountsEachPartitionOnItsOwn", NO_BACKLOG_BOUND(),
            "membersJoiningAndLeavingTriggerRebalancesWithGenerations", "its second member subscribes for 200 ms, less than a Kafka"
                    + " join (a rebalance of the group) may take, so it may leave before it joined; KafkaGroupTest checks the same"
                    + " generations with the second member leaving once it has joined");

    private static String NO_BACKLOG_BOUND() {
        return "Kafka has no backlog bound per group and no overflow policy: retention alone bounds a topic (see KafkaBackpressureTest"
                + " for what bounds a slow consumer)";
    }

    @RegisterExtension
    static final ExecutionCondition NOT_ON_KAFKA = context -> context.getTestMethod()
            .map(m -> EXCLUDED.get(m.getName()))
            .map(reason -> ConditionEvaluationResult.disabled("not on Kafka: " + reason))
            .orElse(ConditionEvaluationResult.enabled("holds on Kafka"));

    @Override
    protected Sluice newSluice() {
        return KafkaSluice.connect(KafkaOptions.create().bootstrap(SharedCluster.cluster().bootstrap()));
    }

    /** A new client of the same cluster: the records outlive the closed one. */
    @Override
    protected Sluice reopen() {
        return newSluice();
    }

    /** Waits until the topic's partitions' high watermarks cover what was sent (see the class's javadoc). */
    @Override
    protected void awaitVisible(String topic, long records) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (visible(topic) < records) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the " + records + " records sent to " + topic + " did not become visible in " + TIMEOUT);
            }
            Mono.delay(Duration.ofMillis(10)).block();
        }
    }

    /** Records readers can see in the topic: the sum of its partitions' end offsets (their high watermarks). */
    private long visible(String topic) {
        return sluice.admin().describeTopic(topic).map(t -> t.partitions().stream().mapToLong(p -> p.endOffset()).sum()).block(TIMEOUT);
    }

    /**
     * Each test starts with no consumer group, as on a new engine: the tests share the cluster, and some reuse group
     * names ({@code g}), whose committed offsets and generation a Kafka cluster keeps. The previous test's members
     * have left (its {@code close()} waited for that), so the groups are empty and can be deleted.
     */
    @BeforeEach
    void noGroupsLeft() {
        SharedCluster.deleteAllGroups();
    }
}
