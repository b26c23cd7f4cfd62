package io.sluice.benchmarks.perf.cli;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSluice;
import io.sluice.kafka.cluster.ChildJvm;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code sluice-perf keyed}: how long {@code process()} takes over records whose handlers each wait a while, under
 * each ordering: the workload Confluent's parallel-consumer publishes in its README (10,000 records on one partition,
 * 1,000 keys, 0 to 5 ms of work each, uniform: 22.2 s in partition order, 2.2 s in key order, 2.8 s unordered), on
 * {@code sluice-kafka} (a one-node Kafka broker in a child JVM, as the {@code kafka} target's, or {@code --bootstrap})
 * or {@code sluice-embedded}.
 *
 * <p>Per run: a new topic, the records produced first ({@code Acks.STORED}), then one member's {@code process()} with
 * the ordering, {@code --concurrency} and {@code --prefetch}; the handler is {@code Mono.delay} of a uniform
 * 0..{@code --work}. Each ordering first runs {@code --warmup-runs} untimed (a JVM's first runs time its JIT: the
 * first PER_KEY run on the embedded engine took 3.2 s, the next ones 0.14 to 0.34 s). Two times: <em>processing</em>, from the first handler's start to the last record's result, and
 * <em>with the join</em>, from the subscription (a Kafka group join included). Medians of {@code --repeat} runs.
 */
@Command(name = "keyed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Times process() over records whose handlers wait 0..--work each (a sleep-like Mono.delay), under PER_PARTITION,"
                + " PER_KEY and UNORDERED: Confluent parallel-consumer's published workload, on sluice-kafka or sluice-embedded.")
final class KeyedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "NAME", defaultValue = "sluice-kafka",
            description = "sluice-kafka (a one-node broker in a child JVM, or --bootstrap) or sluice-embedded (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "An existing Kafka cluster for sluice-kafka.")
    String bootstrap;

    @Option(names = "--records", defaultValue = "10000", description = "Records per run (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--keys", defaultValue = "1000", description = "Distinct keys, record i has key i %% keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of the topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--work", paramLabel = "DURATION", defaultValue = "5ms", converter = Converters.DurationConverter.class,
            description = "Each handler waits a uniform 0..this (default: ${DEFAULT-VALUE}).")
    Duration work;

    @Option(names = "--orderings", split = ",", defaultValue = "PER_PARTITION,PER_KEY,UNORDERED",
            description = "Orderings to time (default: ${DEFAULT-VALUE}).")
    List<Ordering> orderings;

    @Option(names = "--concurrency", defaultValue = "1000", description = "Handlers at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--prefetch", defaultValue = "10000", description = "Records the member may hold (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--repeat", defaultValue = "3", description = "Runs per ordering; medians are printed (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup-runs", defaultValue = "1",
            description = "Runs of each ordering before the timed ones, not counted: the first runs of a JVM time its JIT compiler"
                    + " (default: ${DEFAULT-VALUE}).")
    int warmupRuns;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String bad = badOption();
        if (bad != null) {
            err.println("sluice-perf keyed: " + bad + " (see --help)");
            err.flush();
            return 2;
        }
        KafkaCluster broker = null;
        try {
            Sluice sluice;
            String where;
            if (target.equals("sluice-embedded")) {
                sluice = Sluice.embedded();
                where = "the embedded engine (memory)";
            } else {
                String address = bootstrap;
                if (address == null) {
                    broker = KafkaCluster.start(1, ChildJvm.SERVER_FLAGS);
                    address = broker.bootstrap();
                    where = broker.describe();
                } else {
                    where = "Kafka at " + address;
                }
                sluice = KafkaSluice.connect(KafkaOptions.create().bootstrap(address));
            }
            try (Sluice s = sluice) {
                out.printf(Locale.ROOT, "keyed on %s: %,d records on %d partition(s), %,d keys, handler Mono.delay of a uniform 0..%s,"
                                + " concurrency %,d, prefetch %,d, %d run(s) per ordering%n", target, records, partitions, keys,
                        work, concurrency, prefetch, repeat);
                out.printf(Locale.ROOT, "  (after %d untimed run(s) of each ordering)%n", warmupRuns);
                out.println("  " + where);
                out.printf(Locale.ROOT, "%-14s %14s %16s   %s%n", "ordering", "processing (s)", "with join (s)", "runs: processing / with join (s)");
                for (Ordering ordering : orderings) {
                    for (int w = 0; w < warmupRuns; w++) {
                        run(s, ordering);
                    }
                    List<double[]> runs = new ArrayList<>();
                    for (int r = 0; r < repeat; r++) {
                        runs.add(run(s, ordering));
                    }
                    List<String> each = runs.stream().map(x -> String.format(Locale.ROOT, "%.2f/%.2f", x[0], x[1])).toList();
                    out.printf(Locale.ROOT, "%-14s %14.2f %16.2f   %s%n", ordering, median(runs, 0), median(runs, 1), String.join(" ", each));
                    out.flush();
                }
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("sluice-perf keyed: " + e);
            err.flush();
            return 1;
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private String badOption() {
        if (!target.equals("sluice-kafka") && !target.equals("sluice-embedded")) {
            return "--target must be sluice-kafka or sluice-embedded, was '" + target + "'";
        }
        if (bootstrap != null && !target.equals("sluice-kafka")) {
            return "--bootstrap is for --target sluice-kafka";
        }
        for (var o : List.of(new Object[] {"--records", records}, new Object[] {"--keys", keys}, new Object[] {"--partitions", partitions},
                new Object[] {"--concurrency", concurrency}, new Object[] {"--prefetch", prefetch}, new Object[] {"--repeat", repeat})) {
            if ((int) o[1] <= 0) {
                return o[0] + " must be > 0, was " + o[1];
            }
        }
        if (warmupRuns < 0) {
            return "--warmup-runs must not be negative, was " + warmupRuns;
        }
        if (work.isNegative()) {
            return "--work must not be negative, was " + work;
        }
        return null;
    }

    /** One run: a new topic filled first, then one member's process() until every record has its result. */
    private double[] run(Sluice sluice, Ordering ordering) {
        String topic = "keyed-" + UUID.randomUUID().toString().substring(0, 8);
        sluice.admin().createTopic(TopicSpec.of(topic).partitions(partitions)).block(Duration.ofSeconds(60));
        sluice.producer(ProducerOptions.create().acks(Acks.STORED))
                .send(Flux.range(0, records).map(i -> OutboundMessage.of(topic, "key-" + (i % keys), new byte[8], i)))
                .then().block(Duration.ofMinutes(2));
        AtomicLong firstStart = new AtomicLong();
        long maxWorkNanos = work.toNanos();
        ConsumerOptions options = ConsumerOptions.create("keyed-" + ordering.name().toLowerCase(Locale.ROOT) + "-" + topic)
                .topics(topic).ordering(ordering).concurrency(concurrency).prefetch(prefetch).keyBacklog(Math.max(prefetch, 4096));
        long subscribed = System.nanoTime();
        sluice.consumer(options).process(r -> {
                    firstStart.compareAndSet(0, System.nanoTime());
                    long nanos = maxWorkNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(maxWorkNanos + 1);
                    return Mono.delay(Duration.ofNanos(nanos));
                })
                .take(records)
                .then().block(Duration.ofMinutes(10));
        long done = System.nanoTime();
        sluice.admin().deleteTopic(topic).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(60));
        return new double[] {(done - firstStart.get()) / 1e9, (done - subscribed) / 1e9};
    }

    private static double median(List<double[]> runs, int i) {
        List<Double> v = new ArrayList<>(runs.stream().map(x -> x[i]).toList());
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
