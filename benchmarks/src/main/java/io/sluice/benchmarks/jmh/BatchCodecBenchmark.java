package io.sluice.benchmarks.jmh;

import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Encoding a batch of records (with its CRC32C) and decoding it lazily; scores are per record. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchCodecBenchmark {
    static final int RECORDS = 500;

    @Param({"100", "1024"})
    int valueSize;

    private byte[] value;
    private byte[] key;
    private BatchBuilder builder;
    private byte[] encoded;

    @Setup
    public void setUp() {
        value = new byte[valueSize];
        key = "customer-42".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        builder = new BatchBuilder(RECORDS * (valueSize + 32));
        for (int i = 0; i < RECORDS; i++) {
            builder.append(1_700_000_000_000L + i, key, value, Headers.empty());
        }
        encoded = builder.build(-1, -1).array();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public RecordBatch encode() {
        for (int i = 0; i < RECORDS; i++) {
            builder.append(1_700_000_000_000L + i, key, value, Headers.empty());
        }
        return builder.build(-1, -1);
    }

    /** A fresh wrap each time, so the CRC is checked as a consumer reading a stored batch checks it. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void verifyAndDecode(Blackhole bh) {
        RecordBatch batch = RecordBatch.wrap(encoded);
        batch.verify("bench", 0);
        for (Iterator<Record> it = batch.records("bench", 0, 0); it.hasNext(); ) {
            Record r = it.next();
            bh.consume(r.valueLength());
        }
    }
}
