package io.sluice.kafka;

import io.sluice.Sluice;
import io.sluice.contract.SluiceContractTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

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
 * </ul>
 */
@ExtendWith(SharedCluster.class)
class KafkaSluiceContractTest extends SluiceContractTest {
    private static final Map<String, String> EXCLUDED = Map.of(
            "backpressureHoldsAProducerTenTimesFasterThanItsConsumerWithinMaxBacklog", NO_BACKLOG_BOUND(),
            "dropOldestKeepsTheNewestRecordsAndSkipsTheRestForSlowGroups", NO_BACKLOG_BOUND(),
            "failRefusesSendsBeyondMaxBacklog", NO_BACKLOG_BOUND(),
            "aTopicNoGroupHasJoinedHasNoBacklogUnderFailButDropOldestKeepsOnlyTheNewestMaxBacklogRecords", NO_BACKLOG_BOUND(),
            "maxBacklogCountsEachPartitionOnItsOwn", NO_BACKLOG_BOUND());

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
