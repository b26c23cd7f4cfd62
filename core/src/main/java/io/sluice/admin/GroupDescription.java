package io.sluice.admin;

import io.sluice.record.TopicPartition;
import java.util.List;

/** A consumer group as it is now: generation, members and their partitions, and lag per partition. */
public record GroupDescription(String group, int generation, List<Member> members, List<PartitionLag> partitions) {

    /** A member and the partitions it owns. */
    public record Member(String id, double weight, List<TopicPartition> assignment) {
    }

    /**
     * @param committedOffset the group's committed position (the next offset it will read after a restart)
     * @param endOffset the partition's end offset
     * @param lag {@code endOffset - committedOffset}, as Kafka reports it
     */
    public record PartitionLag(TopicPartition partition, long committedOffset, long endOffset, long lag) {
    }

    /** The sum of the partitions' lag. */
    public long totalLag() {
        return partitions.stream().mapToLong(PartitionLag::lag).sum();
    }
}
