/**
 * A Kafka KRaft cluster of one or more nodes for tests and the perf lab ({@link io.sluice.kafka.cluster.KafkaCluster}),
 * each node a child JVM that can be killed and restarted on its data, and the helpers it runs on: child JVMs that end
 * with their parent ({@link io.sluice.kafka.cluster.ChildJvm}) and temporary directories
 * ({@link io.sluice.kafka.cluster.TempDirectories}). A test fixture: no main code of a Sluice library depends on it.
 */
package io.sluice.kafka.cluster;
