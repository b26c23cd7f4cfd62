package io.sluice.benchmarks.jmh;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.consumer.Result;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Consumer.process} on the embedded engine, each invocation a new group reading a 1-partition topic from the
 * start (the records are produced once per trial), timed until the records it waits for are handled:
 * <ul>
 * <li>{@code stalledKey}: {@value #RECORDS} records over {@value #KEYS} keys, concurrency 16, {@code PER_KEY}, handlers
 *     of 1 ms except key {@code k0}'s first, which takes 2 s: the time until 99% of the records are done. With
 *     head-of-line blocking this is the stall plus; without it about {@value #RECORDS} x 1 ms / 16.</li>
 * <li>{@code delayedHandlers}: the same records, concurrency 1000, {@code PER_KEY}, handlers of
 *     {@code Mono.delay(0-5 ms)}: the time until all are done.</li>
 * <li>{@code synchronousHandlers}: {@value #MANY} records over {@value #KEYS} keys, a handler that returns
 *     {@code Mono.empty()}, concurrency {@code 1} or {@code 16} ({@code PER_KEY}): the time until all are done;
 *     divide {@value #MANY} by it for the rate.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class ProcessBenchmark {
    static final int RECORDS = 10_000;
    static final int KEYS = 1_000;
    static final int MANY = 200_000;
    private static final String FEW_TOPIC = "few";
    private static final String MANY_TOPIC = "many";
    private static final byte[] STALLED_KEY = "k0".getBytes(StandardCharsets.UTF_8);

    @Param({"16"})
    int concurrency;

    private Sluice sluice;
    private final AtomicInteger groups = new AtomicInteger();
    private Disposable running;

    @Setup(Level.Trial)
    public void setUp() {
        sluice = Sluice.embedded();
        produce(FEW_TOPIC, RECORDS);
        produce(MANY_TOPIC, MANY);
    }

    private void produce(String topic, int count) {
        sluice.admin().createTopic(TopicSpec.of(topic).partitions(1)).block();
        byte[] value = new byte[100];
        sluice.producer(ProducerOptions.create())
                .send(Flux.range(0, count).map(i -> OutboundMessage.of(topic, ("k" + i % KEYS).getBytes(StandardCharsets.UTF_8),
                        value, null)))
                .blockLast();
    }

    /** Runs {@code handler} over {@code topic} in a new group and returns when {@code wanted} records are done. */
    private int process(String topic, int concurrency, int wanted, Function<Record, Publisher<?>> handler) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(wanted);
        ConsumerOptions options = ConsumerOptions.create("g" + groups.incrementAndGet()).topics(topic).concurrency(concurrency)
                .ordering(Ordering.PER_KEY);
        running = sluice.consumer(options).process(handler).subscribe((Result r) -> done.countDown());
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process did not finish " + wanted + " records within 60 s: " + done.getCount() + " left");
        }
        return wanted;
    }

    @Benchmark
    public int stalledKey() throws InterruptedException {
        AtomicInteger firstOfStalledKey = new AtomicInteger();
        return process(FEW_TOPIC, concurrency, RECORDS * 99 / 100, r -> {
            boolean stall = java.util.Arrays.equals(r.key(), STALLED_KEY) && firstOfStalledKey.getAndIncrement() == 0;
            return Mono.delay(stall ? Duration.ofSeconds(2) : Duration.ofMillis(1));
        });
    }

    @Benchmark
    public int delayedHandlers() throws InterruptedException {
        return process(FEW_TOPIC, 1000, RECORDS, r -> Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(6))));
    }

    @Benchmark
    public int synchronousHandlers() throws InterruptedException {
        return process(MANY_TOPIC, concurrency, MANY, r -> Mono.empty());
    }

    @TearDown(Level.Invocation)
    public void stop() {
        if (running != null) {
            running.dispose();
            running = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sluice.close();
    }
}
