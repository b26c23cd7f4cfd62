package io.sluice.partition;

import io.sluice.record.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shares the partitions of a group's topics among its members. Called at every rebalance with the
 * current members; must be deterministic (same input, same output) and give every partition of a topic
 * to exactly one member subscribed to that topic. Built-ins are in {@link Assignors}.
 */
@FunctionalInterface
public interface Assignor {

    /**
     * @param members the group's members, sorted by id
     * @param partitionsPerTopic the partition count of every topic some member subscribes to
     * @param previous the assignment of the previous generation (empty at the first), for sticky strategies
     * @return for each member id, the partitions it owns; members without partitions may be absent
     */
    Map<String, List<TopicPartition>> assign(List<Member> members, Map<String, Integer> partitionsPerTopic,
                                             Map<String, List<TopicPartition>> previous);

    /** A member as assignors see it: its id, its weight ({@code ConsumerOptions.weight}) and its topics. */
    record Member(String id, double weight, Set<String> topics) {
    }
}
