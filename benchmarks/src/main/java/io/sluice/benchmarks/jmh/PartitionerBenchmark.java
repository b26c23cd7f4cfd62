package io.sluice.benchmarks.jmh;

import io.sluice.partition.Partitioner;
import io.sluice.partition.Partitioners;
import io.sluice.producer.OutboundMessage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One partition choice per operation, for each built-in strategy, over 8 partitions. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PartitionerBenchmark {
    @Param({"roundRobin", "random", "weighted", "sticky", "keyHash"})
    String strategy;

    private Partitioner partitioner;
    private OutboundMessage<Void> keyed;

    @Setup
    public void setUp() {
        partitioner = switch (strategy) {
            case "roundRobin" -> Partitioners.roundRobin();
            case "random" -> Partitioners.random();
            case "weighted" -> Partitioners.weighted(1, 2, 3, 4, 1, 2, 3, 4);
            case "sticky" -> Partitioners.sticky();
            case "keyHash" -> Partitioners.keyHash();
            default -> throw new IllegalArgumentException("unknown strategy " + strategy);
        };
        keyed = OutboundMessage.of("bench", "customer-1234567", new byte[100], null);
    }

    @Benchmark
    public int partition() {
        return partitioner.partition(keyed, 8);
    }
}
