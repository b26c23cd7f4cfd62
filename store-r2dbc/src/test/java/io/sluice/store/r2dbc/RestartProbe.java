package io.sluice.store.r2dbc;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.partition.Partitioners;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;

/**
 * Not a test (too slow for the suite): how long an engine takes to come back after kill -9 with millions of retained
 * records. A child JVM fills a 4-partition topic with {@code records} 100-byte records ({@code Acks.STORED}, large
 * batches) and keeps producing; the probe kills it with SIGKILL, opens the same store in a new engine, and times the
 * open and the first acknowledged ({@code Acks.STORED}) produce. Prints the times against a bound of 3 s and exits 1
 * when the produce took longer. Run with
 * {@code java -cp <test classpath> io.sluice.store.r2dbc.RestartProbe [h2file|postgres] [records]} (postgres: a schema of
 * its own in database {@code test} at 127.0.0.1:5432, dropped at the end); {@code -Dprobe.parts=true} also times the
 * gap check ({@code contiguousEnd}) of each partition before the engine starts.
 * The suite's smaller proof is {@code RestartContractTest}: a restart reads fewer than half of 200,000 records.
 */
public final class RestartProbe {
    static final long BOUND_MILLIS = 3_000;
    private static final String TOPIC = "restart-probe";

    private RestartProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("fill")) {
            fill(args[1], Long.parseLong(args[2]));
            return;
        }
        String which = args.length > 0 && args[0].startsWith("postgres") ? "postgres" : "h2file";
        long records = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
        Path dir = null;
        PostgresSchema schema = null;
        String where;
        if (which.equals("h2file")) {
            dir = Files.createTempDirectory("sluice-restart-probe");
            where = "h2:" + dir.resolve("probe");
        } else {
            schema = new PostgresSchema("restartprobe");
            where = "pg:" + schema.url();
        }
        try {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx2g", "-cp",
                    System.getProperty("java.class.path"), RestartProbe.class.getName(), "fill", where, Long.toString(records)));
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("FILLED")) {
                    System.out.println("child: " + line);
                }
                System.out.println("child: " + line);
            } finally {
                child.destroyForcibly(); // SIGKILL, while it keeps producing
                child.waitFor(60, TimeUnit.SECONDS);
            }
            long start = System.nanoTime();
            R2dbcStore store = open(where);
            long storeOpen = System.nanoTime();
            if (Boolean.getBoolean("probe.parts")) {
                for (int p = 0; p < 4; p++) {
                    long t = System.nanoTime();
                    Long end = store.contiguousEnd(io.sluice.record.TopicPartition.of(TOPIC, p)).block();
                    System.out.printf("contiguousEnd(%d) = %d in %,d ms%n", p, end, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
                }
            }
            System.out.printf("store opened in %,d ms%n", TimeUnit.NANOSECONDS.toMillis(storeOpen - start));
            long opened;
            long acked;
            TopicDescription d;
            try (Sluice sluice = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("probe"))) {
                opened = System.nanoTime();
                SendResult<Long> r = sluice.producer(ProducerOptions.create().acks(Acks.STORED))
                        .send(Flux.just(OutboundMessage.of(TOPIC, (String) null, new byte[100], 0L))).blockLast(Duration.ofMinutes(2));
                acked = System.nanoTime();
                d = sluice.admin().describeTopic(TOPIC).block(Duration.ofMinutes(1));
                System.out.printf("first produce after the restart: partition %d offset %d%n", r.partition(), r.offset());
            }
            long retained = d.partitions().stream().mapToLong(p -> p.endOffset() - p.startOffset()).sum();
            String size = dir == null ? "" : String.format(", H2 file %,d bytes (%,.0f per record)", Files.size(dir.resolve("probe.mv.db")),
                    (double) Files.size(dir.resolve("probe.mv.db")) / retained);
            long total = TimeUnit.NANOSECONDS.toMillis(acked - start);
            System.out.printf("restart probe %s: %,d records retained; store and engine open in %,d ms, first STORED produce acknowledged"
                            + " %,d ms after the start (bound %,d ms)%s%n", which, retained, TimeUnit.NANOSECONDS.toMillis(opened - start),
                    total, BOUND_MILLIS, size);
            if (total > BOUND_MILLIS) {
                System.exit(1);
            }
        } finally {
            if (schema != null) {
                schema.drop();
            }
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        }
    }

    private static R2dbcStore open(String where) {
        return where.startsWith("h2:") ? R2dbcStore.h2File(Path.of(where.substring(3))) : R2dbcStore.postgres(where.substring(3));
    }

    /** The child: fills the topic, says FILLED, and keeps producing until it is killed. */
    private static void fill(String where, long records) {
        R2dbcStore store = open(where);
        Sluice sluice = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("fill"));
        sluice.admin().createTopic(TopicSpec.of(TOPIC).partitions(4).retentionBytes(TopicSpec.UNLIMITED)).block();
        var producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED).partitioner(Partitioners.roundRobin())
                .batchSize(256 * 1024).linger(Duration.ofMillis(5)));
        long start = System.nanoTime();
        long[] next = {0};
        long chunk = 100_000;
        while (next[0] < records) {
            long from = next[0];
            long n = Math.min(chunk, records - from);
            producer.send(Flux.range(0, (int) n).map(i -> OutboundMessage.of(TOPIC, (String) null, CrashProducer.value(from + i), from + i)))
                    .blockLast();
            next[0] += n;
        }
        System.out.printf("FILLED %,d records in %,d ms%n", records, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        System.out.flush();
        producer.send(Flux.range(0, Integer.MAX_VALUE).map(i -> OutboundMessage.of(TOPIC, (String) null, CrashProducer.value(i), (long) i)))
                .blockLast();
    }
}
