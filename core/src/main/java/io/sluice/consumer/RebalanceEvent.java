package io.sluice.consumer;

import io.sluice.record.TopicPartition;
import java.util.Set;

/**
 * A group's membership changed: the new generation and what it means for one member.
 *
 * @param generation increases by one at every rebalance of the group
 * @param memberId the member this event is for
 * @param assigned every partition the member owns in this generation
 * @param added partitions the member did not own before
 * @param revoked partitions the member owned before and no longer owns
 */
public record RebalanceEvent(String group, int generation, String memberId, Set<TopicPartition> assigned,
                             Set<TopicPartition> added, Set<TopicPartition> revoked) {
}
