/**
 * The child JVMs {@code sluice-perf} starts (a Sluice node, a Kafka broker, the peers' own benchmark tools): each with its
 * own CPU, GC and log, ended with the run or with this JVM, and the temporary directories they and the durable
 * targets use.
 */
package io.sluice.benchmarks.perf.process;
