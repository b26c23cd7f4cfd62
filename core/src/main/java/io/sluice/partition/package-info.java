/**
 * Load balancing: {@link io.sluice.partition.Partitioner}s choose a partition for each sent record,
 * {@link io.sluice.partition.Assignor}s share a topic's partitions among the members of a consumer group.
 */
package io.sluice.partition;
