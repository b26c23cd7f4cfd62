package io.sluice.benchmarks.jmh;

import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.log.internal.MemoryLog;
import io.sluice.log.internal.Retention;
import io.sluice.record.Headers;
import io.sluice.record.TopicPartition;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Appending a batch to a partition's memory log (with retention) and finding the batch of an offset; per batch. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemoryLogBenchmark {
    static final int RECORDS_PER_BATCH = 100;

    /** More batches than the log retains (1,000), so a batch is evicted before it is appended again. */
    private final RecordBatch[] pool = new RecordBatch[2_048];
    private int turn;
    private MemoryLog log;
    private long next;

    @Setup
    public void setUp() {
        BatchBuilder b = new BatchBuilder(RECORDS_PER_BATCH * 140);
        for (int i = 0; i < RECORDS_PER_BATCH; i++) {
            b.append(1_700_000_000_000L, null, new byte[100], Headers.empty());
        }
        byte[] template = b.build(-1, -1).array();
        for (int i = 0; i < pool.length; i++) {
            pool[i] = RecordBatch.wrap(template.clone());
        }
        // retains 100,000 records: appends also evict, as in a steady state
        log = new MemoryLog(new TopicPartition("bench", 0), new Retention(100_000, Long.MAX_VALUE, Long.MAX_VALUE), System::currentTimeMillis);
        for (int i = 0; i < pool.length; i++) {
            append();
        }
    }

    /** Appends a batch (no allocation of its bytes in the measurement: the pool's batches take turns). */
    @Benchmark
    public long append() {
        RecordBatch batch = pool[turn];
        turn = (turn + 1) & (pool.length - 1);
        return log.append(batch);
    }

    @Benchmark
    public RecordBatch batchFor() {
        long start = log.startOffset();
        long span = log.endOffset() - start;
        next = (next + 7_919) % span;
        return log.batchFor(start + next);
    }
}
