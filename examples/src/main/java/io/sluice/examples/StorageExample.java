package io.sluice.examples;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import io.sluice.store.r2dbc.R2dbcStore;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One pipeline (a producer, a topic, a consumer group) on three stores: in memory, on an H2 file with
 * {@code Acks.STORED}, and over a node (a {@code SluiceServer} on the memory store, reached through
 * {@code NettySluice}). For each it measures the throughput ({@code --records} as fast as they go) and the end-to-end
 * latency at a steady {@code --rate} (from each record's due send time, stamped in its value, to the consumer's
 * handler), and prints them beside what a {@code kill -9} leaves: what durability and the network cost, side by side.
 */
@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "The same pipeline in memory, on an H2 file and over a node: throughput, p99 latency, "
                + "what survives a kill -9.")
public final class StorageExample extends Example {
    private static final int VALUE_BYTES = 100;

    @Option(names = "--records", converter = Positive.class, paramLabel = "N",
            description = "records sent as fast as they go, for the throughput (default: ${DEFAULT-VALUE})")
    int records = 300_000;

    @Option(names = "--rate", converter = Positive.class, paramLabel = "N",
            description = "records a second sent for the latency (default: ${DEFAULT-VALUE})")
    int rate = 10_000;

    @Option(names = "--seconds", converter = Positive.class, paramLabel = "N", description = "how long to send at that rate (default: ${DEFAULT-VALUE})")
    int seconds = 3;

    @Option(names = "--partitions", converter = Positive.class, paramLabel = "N", description = "partitions of the topics (default: ${DEFAULT-VALUE})")
    int partitions = 4;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where the H2 file sluice-storage.mv.db goes, replacing one there "
                    + "(default: a temporary directory, deleted at the end)")
    Path dir;

    /** What one store measured: throughput at full speed, latency at the steady rate. */
    record Measurement(String store, Acks acks, Phase fullSpeed, Phase steady, String survives) {
        boolean everyRecordOnce() {
            return fullSpeed.everyRecordOnce() && steady.everyRecordOnce();
        }
    }

    /** One topic's records: how many were sent and received (each once?), in how long, with what latency. */
    record Phase(int sent, long received, boolean everyRecordOnce, long elapsedNanos, long p50Nanos, long p99Nanos) {
        long recordsPerSecond() {
            return elapsedNanos == 0 ? 0 : received * 1_000_000_000L / elapsedNanos;
        }
    }

    @Override
    protected void run(Summary summary) throws Exception {
        Path h2Dir = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("sluice-storage");
        try {
            warmUp();
            List<Measurement> results = List.of(onMemory(), onH2File(h2Dir), overNode());
            printTable(results);
            summarize(results, summary);
        } finally {
            if (dir == null) {
                deleteTree(h2Dir);
            }
        }
    }

    /** Not measured: the JIT compiles the pipeline's code, which the first store measured would pay for. */
    private void warmUp() throws Exception {
        try (Sluice sluice = Sluice.embedded()) {
            pipeline(sluice, Acks.APPENDED, "warm-up", records, 0);
        }
    }

    /** The memory store: the default {@code Sluice.embedded()}; {@code STORED} would mean the same as {@code APPENDED}. */
    private Measurement onMemory() throws Exception {
        try (Sluice sluice = Sluice.embedded()) {
            return measure(sluice, "memory", Acks.APPENDED, "nothing: topics, records and positions live in the heap");
        }
    }

    /** An H2 file: every batch goes to the file (group commit); {@code Acks.STORED} waits until it is there. */
    private Measurement onH2File(Path directory) throws Exception {
        Path file = directory.resolve("sluice-storage.mv.db");
        Files.deleteIfExists(file);
        Measurement m;
        try (Sluice sluice = Sluice.embedded(EngineOptions.create().store(R2dbcStore.h2File(file)))) {
            m = measure(sluice, "H2 file", Acks.STORED, "every record acknowledged STORED, topics, committed "
                    + "positions (an OS crash or power loss may lose the last commits: H2 does not fsync)");
        }
        say("%-13s the file %s holds %,d KiB", "", file, Files.size(file) / 1024);
        return m;
    }

    /** A node on the memory store, on a free port, and a client of it: the same pipeline over TCP. */
    private Measurement overNode() throws Exception {
        try (Sluice engine = Sluice.embedded();
             SluiceServer node = SluiceServer.start(engine, ServerOptions.create().host("127.0.0.1").port(0));
             Sluice client = NettySluice.connect(ClientOptions.create().address("127.0.0.1", node.port()))) {
            return measure(client, "node (memory)", Acks.APPENDED, "node killed: nothing (its store is memory); "
                    + "client killed: what the node acknowledged and committed positions stay on the node");
        }
    }

    /** Both phases on one {@code Sluice}, each on a topic of its own. */
    private Measurement measure(Sluice sluice, String store, Acks acks, String survives) throws Exception {
        Phase fullSpeed = pipeline(sluice, acks, "full-speed", records, 0);
        Phase steady = pipeline(sluice, acks, "steady", rate * seconds, rate);
        say("%-13s %,9d records/s at full speed; at %,d records/s p50 %s, p99 %s", store, fullSpeed.recordsPerSecond(),
                rate, millis(steady.p50Nanos()), millis(steady.p99Nanos()));
        return new Measurement(store, acks, fullSpeed, steady, survives);
    }

    /**
     * The pipeline: a group joins {@code topic}, then a producer sends {@code count} records ({@code rate} a second, or
     * with 0 as fast as they go), and the group's handler notes each record's latency. The elapsed time runs from the
     * first send to the last record received.
     */
    private Phase pipeline(Sluice sluice, Acks acks, String topic, int count, int rate) throws Exception {
        sluice.admin().createTopic(TopicSpec.of(topic).partitions(partitions)).block();
        Reception reception = new Reception(count);
        Consumer consumer = sluice.consumer(ConsumerOptions.create("readers").topics(topic));
        CompletableFuture<RebalanceEvent> joined = consumer.rebalances().next().toFuture();
        CompletableFuture<Long> received = consumer.process(record -> Mono.fromRunnable(() -> reception.received(record)))
                .take(count)
                .timeout(Duration.ofSeconds(10), Flux.empty()) // stops waiting if records stop coming; the counts then tell
                .count().toFuture();
        joined.get(30, TimeUnit.SECONDS); // the group's partitions are assigned: what follows measures records only

        long start = System.nanoTime();
        sluice.producer(ProducerOptions.create().acks(acks))
                .send(rate == 0 ? fullSpeed(topic, count) : steady(topic, count, rate))
                .blockLast();
        long n = received.get();
        return new Phase(count, n, n == count && reception.everyRecordOnce(), System.nanoTime() - start,
                reception.latencyPercentile(50), reception.latencyPercentile(99));
    }

    /** {@code count} records, each made (and stamped) when the producer asks for it. */
    private static Flux<OutboundMessage<Integer>> fullSpeed(String topic, int count) {
        return Flux.range(0, count).map(i -> message(topic, i, System.nanoTime()));
    }

    /** {@code count} records at {@code rate} a second, each stamped with the time it is due (so a late send counts). */
    private static Flux<OutboundMessage<Integer>> steady(String topic, int count, int rate) {
        return Flux.defer(() -> {
            long start = System.nanoTime();
            return Flux.range(0, count).concatMap(i -> {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                Mono<OutboundMessage<Integer>> message = Mono.fromSupplier(() -> message(topic, i, due));
                return wait > 0 ? Mono.delay(Duration.ofNanos(wait)).then(message) : message;
            });
        });
    }

    /** Record {@code i}: a value of {@value #VALUE_BYTES} bytes holding the send time, {@code i}, and padding. */
    private static OutboundMessage<Integer> message(String topic, int i, long sendNanos) {
        byte[] value = ByteBuffer.allocate(VALUE_BYTES).putLong(sendNanos).putInt(i).array();
        return OutboundMessage.of(topic, "key-" + i % 1000, value, i);
    }

    /** What the consumer saw, from any thread: how often each record came, and its latency. */
    static final class Reception {
        private final AtomicIntegerArray timesReceived;
        private final AtomicLongArray latencyNanos;

        Reception(int records) {
            timesReceived = new AtomicIntegerArray(records);
            latencyNanos = new AtomicLongArray(records);
        }

        void received(Record record) {
            ByteBuffer value = record.valueBuffer();
            long latency = System.nanoTime() - value.getLong(0);
            int i = value.getInt(8);
            timesReceived.incrementAndGet(i);
            latencyNanos.set(i, latency);
        }

        boolean everyRecordOnce() {
            for (int i = 0; i < timesReceived.length(); i++) {
                if (timesReceived.get(i) != 1) {
                    return false;
                }
            }
            return true;
        }

        /** The latency that {@code percent}% of the received records did not exceed (nearest rank). */
        long latencyPercentile(int percent) {
            return percentile(IntStream.range(0, latencyNanos.length()).filter(i -> timesReceived.get(i) > 0)
                    .mapToLong(latencyNanos::get).sorted().toArray(), percent);
        }
    }

    private void printTable(List<Measurement> results) {
        say("");
        say("%-13s %-8s %10s %10s %10s  %s", "store", "acks", "records/s", "p50", "p99", "what survives a kill -9");
        for (Measurement m : results) {
            say("%-13s %-8s %,10d %10s %10s  %s", m.store(), m.acks(), m.fullSpeed().recordsPerSecond(),
                    millis(m.steady().p50Nanos()), millis(m.steady().p99Nanos()), m.survives());
        }
        say("(records/s: %,d records as fast as they go; p50, p99: from due send time to handler, "
                + "at %,d records/s for %d s)", records, rate, seconds);
        say("");
    }

    private void summarize(List<Measurement> results, Summary summary) {
        summary.put("records", String.format(Locale.ROOT, "%,d", records))
                .put("latency measured at", String.format(Locale.ROOT, "%,d records/s for %d s", rate, seconds))
                .put("partitions", partitions);
        for (Measurement m : results) {
            summary.put(m.store() + " records/s", String.format(Locale.ROOT, "%,d", m.fullSpeed().recordsPerSecond()))
                    .put(m.store() + " p99", millis(m.steady().p99Nanos()))
                    .put(m.store() + " survives a kill -9", m.survives())
                    .check(m.store() + " received every record once", m.everyRecordOnce());
        }
    }
}
