/**
 * JMH microbenchmarks of Sluice's hot paths: the batch codec, the memory log, the partitioners and the
 * delivery loop. Run them from the shaded jar:
 * {@code java -cp benchmarks/target/sluice-perf.jar org.openjdk.jmh.Main io.sluice.benchmarks.jmh}.
 */
package io.sluice.benchmarks.jmh;
