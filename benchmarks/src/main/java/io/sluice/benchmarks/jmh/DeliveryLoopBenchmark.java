package io.sluice.benchmarks.jmh;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.partition.Partitioners;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The engine's produce → append → deliver → ack loop in process: each operation sends {@value #RECORDS}
 * records of 100 bytes to a 4-partition topic and waits until one consumer has received and acknowledged them
 * all. Scores are per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeliveryLoopBenchmark {
    static final int RECORDS = 10_000;

    @Param({"0", "1"})
    int lingerMillis;

    private Sluice sluice;
    private Producer producer;
    private Disposable consumer;
    private final AtomicLong received = new AtomicLong();
    private long expected;
    private Flux<OutboundMessage<Void>> messages;

    @Setup(Level.Trial)
    public void setUp() {
        sluice = Sluice.embedded();
        sluice.admin().createTopic(TopicSpec.of("bench").partitions(4)).block();
        producer = sluice.producer(ProducerOptions.create().partitioner(Partitioners.roundRobin())
                .linger(Duration.ofMillis(lingerMillis)));
        consumer = sluice.consumer(ConsumerOptions.create("bench").topics("bench")).receive()
                .subscribe(d -> {
                    d.ack();
                    received.incrementAndGet();
                });
        byte[] value = new byte[100];
        messages = Flux.range(0, RECORDS).map(i -> OutboundMessage.of("bench", value));
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long sendAndDeliver() {
        expected += RECORDS;
        producer.send(messages).blockLast();
        while (received.get() < expected) {
            Thread.onSpinWait();
        }
        return expected;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        consumer.dispose();
        sluice.close();
    }
}
