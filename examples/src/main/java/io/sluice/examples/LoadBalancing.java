package io.sluice.examples;

import io.sluice.Sluice;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.UnknownGroupException;
import io.sluice.partition.Assignor;
import io.sluice.partition.Assignors;
import io.sluice.partition.Partitioner;
import io.sluice.partition.Partitioners;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Load balancing on both sides of a topic. Producers: the same records sent with each {@link Partitioners} strategy
 * ({@code roundRobin}, {@code random}, {@code weighted}, {@code sticky}, {@code keyHash}), and how many land on each
 * partition. Consumers: three members of one group, of weights 1, 1 and 2, under each {@link Assignors} strategy, and
 * which partitions and how many records each member gets. {@code keyHash} is the one that keeps a key on one partition
 * (per-key order); {@code weighted} on either side is for partitions or members of unequal capacity.
 */
@Command(name = "load-balancing", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Records per partition under each partitioner, and partitions and records per member under each"
                + " assignor (members of weight 1, 1 and 2).")
public final class LoadBalancing extends Example {
    private static final double[] MEMBER_WEIGHTS = {1, 1, 2};
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Option(names = "--records", converter = Positive.class, defaultValue = "100000", description = "Records per run (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--partitions", converter = Positive.class, defaultValue = "4",
            description = "Partitions of the producer runs' topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--keys", converter = Positive.class, defaultValue = "1000", description = "Distinct record keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--group-partitions", converter = Positive.class, defaultValue = "12",
            description = "Partitions of the consumer runs' topics (default: ${DEFAULT-VALUE}).")
    int groupPartitions;

    @Override
    protected void run(Summary summary) throws Exception {
        try (Sluice sluice = Sluice.embedded()) {
            producerSide(sluice, summary);
            consumerSide(sluice, summary);
        }
    }

    // ---- producers: which partition each record goes to ----

    private void producerSide(Sluice sluice, Summary summary) {
        double[] weights = IntStream.range(0, partitions).mapToDouble(p -> partitions - p).toArray();
        Map<String, Partitioner> strategies = new LinkedHashMap<>();
        strategies.put("roundRobin", Partitioners.roundRobin());
        strategies.put("random", Partitioners.random());
        strategies.put("weighted " + Arrays.toString(weights), Partitioners.weighted(weights));
        strategies.put("sticky", Partitioners.sticky());
        strategies.put("keyHash", Partitioners.keyHash());

        say("%,d records with %,d keys into %d partitions, once per partitioner:", records, keys, partitions);
        say("%-30s %s  max/min", "partitioner", partitionHeader(partitions));
        for (Map.Entry<String, Partitioner> s : strategies.entrySet()) {
            String name = s.getKey().split(" ")[0];
            String topic = "orders-by-" + name;
            sluice.admin().createTopic(TopicSpec.of(topic).partitions(partitions)).block(WAIT);
            Map<String, Integer> partitionOfKey = new HashMap<>();
            boolean[] keyStayed = {true};
            long[] perPartition = new long[partitions];
            try (Producer producer = sluice.producer(ProducerOptions.create().partitioner(s.getValue()))) {
                producer.send(messages(topic)).doOnNext(r -> {
                    perPartition[r.partition()]++;
                    Integer before = partitionOfKey.put(r.correlation(), r.partition());
                    keyStayed[0] &= before == null || before == r.partition();
                }).blockLast(WAIT);
            }
            say("%-30s %s  %.2f", s.getKey(), row(perPartition), spread(perPartition));
            summary.put("records per partition, " + name, row(perPartition).trim().replaceAll(" +", " "));
            if (name.equals("keyHash")) {
                summary.check("keyHash kept every key on one partition", keyStayed[0]);
            }
            if (name.equals("weighted")) {
                summary.check("weighted followed its weights within 1%", followsWeights(perPartition, weights));
            }
        }
    }

    /** Records {@code key-0 .. key-(keys-1)} in turn; each record's correlation is its key. */
    private Flux<OutboundMessage<String>> messages(String topic) {
        return Flux.range(0, records).map(i -> {
            String key = "key-" + (i % keys);
            return OutboundMessage.of(topic, key, ("order " + i).getBytes(StandardCharsets.UTF_8), key);
        });
    }

    private static boolean followsWeights(long[] perPartition, double[] weights) {
        double total = Arrays.stream(perPartition).sum();
        double weightSum = Arrays.stream(weights).sum();
        return IntStream.range(0, weights.length)
                .allMatch(p -> Math.abs(perPartition[p] / total - weights[p] / weightSum) <= 0.01);
    }

    // ---- consumers: which member owns which partition ----

    private void consumerSide(Sluice sluice, Summary summary) {
        Map<String, Assignor> strategies = new LinkedHashMap<>();
        strategies.put("range", Assignors.range());
        strategies.put("roundRobin", Assignors.roundRobin());
        strategies.put("sticky", Assignors.sticky());
        strategies.put("weighted", Assignors.weighted());

        say("");
        say("%,d records over %d partitions, consumed by one group of three members of weights 1, 1 and 2, once per"
                + " assignor:", records, groupPartitions);
        say("%-12s %-8s %-7s %-10s %s", "assignor", "member", "weight", "records", "partitions");
        boolean allOnce = true;
        for (Map.Entry<String, Assignor> s : strategies.entrySet()) {
            GroupRun run = runGroup(sluice, s.getKey(), s.getValue());
            for (int m = 0; m < MEMBER_WEIGHTS.length; m++) {
                say("%-12s %-8s %-7.0f %,-10d %s", m == 0 ? s.getKey() : "", "member-" + (m + 1), MEMBER_WEIGHTS[m],
                        run.records.get(m), run.partitions.get(m));
            }
            allOnce &= run.total() == records && run.distinct() == records;
            summary.put("partitions per member, " + s.getKey(), run.partitions.stream()
                    .map(p -> String.valueOf(p.size())).collect(Collectors.joining(" ")));
            if (s.getKey().equals("weighted")) {
                int light = run.partitions.get(0).size();
                int heavy = run.partitions.get(2).size();
                summary.check("weighted gave the weight-2 member twice the partitions", heavy == 2 * light);
            }
        }
        summary.check("every assignor's group received every record once", allOnce);
    }

    /**
     * The records each member of one group received and the partitions they came from, in member order, and how many
     * distinct records (partition and offset) the group received.
     */
    private record GroupRun(AtomicLongArray records, List<Set<Integer>> partitions, long distinct) {
        long total() {
            return IntStream.range(0, records.length()).mapToLong(records::get).sum();
        }
    }

    private GroupRun runGroup(Sluice sluice, String name, Assignor assignor) {
        String topic = "invoices-" + name;
        String group = "billing-" + name;
        sluice.admin().createTopic(TopicSpec.of(topic).partitions(groupPartitions)).block(WAIT);

        // 1. Three members join before any record exists, so each consumes only what it owns once the group settled.
        AtomicLongArray counts = new AtomicLongArray(MEMBER_WEIGHTS.length);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Set<Integer>> partitions = new ArrayList<>();
        List<Flux<Long>> members = new ArrayList<>();
        for (int m = 0; m < MEMBER_WEIGHTS.length; m++) {
            int member = m;
            Set<Integer> consumedFrom = ConcurrentHashMap.newKeySet();
            partitions.add(consumedFrom);
            Consumer consumer = sluice.consumer(ConsumerOptions.create(group).topics(topic).assignor(assignor)
                    .weight(MEMBER_WEIGHTS[m]));
            members.add(consumer.receiveAutoAck()
                    .doOnNext(r -> {
                        consumedFrom.add(r.partition());
                        seen.add(r.partition() + "@" + r.offset());
                    })
                    .map(r -> counts.incrementAndGet(member)));
        }
        Mono<Void> consumed = Flux.merge(members).take(records).then().cache();
        consumed.subscribe();
        awaitMembers(sluice, group, MEMBER_WEIGHTS.length);

        // 2. Records spread evenly over the partitions, then wait until the group has them all.
        try (Producer producer = sluice.producer(ProducerOptions.create().partitioner(Partitioners.roundRobin()))) {
            producer.send(messages(topic)).blockLast(WAIT);
        }
        consumed.block(WAIT);
        return new GroupRun(counts, partitions.stream().<Set<Integer>>map(TreeSet::new).toList(), seen.size());
    }

    /** Waits until {@code group} has {@code members} members (the assignor has run for the last of them). */
    private static void awaitMembers(Sluice sluice, String group, int members) {
        Flux.interval(Duration.ofMillis(10))
                .concatMap(i -> sluice.admin().describeGroup(group).onErrorResume(UnknownGroupException.class,
                        e -> Mono.empty()))
                .map(GroupDescription::members)
                .filter(m -> m.size() == members && m.stream().noneMatch(x -> x.assignment().isEmpty()))
                .blockFirst(WAIT);
    }

    // ---- printing ----

    private static String partitionHeader(int partitions) {
        return IntStream.range(0, partitions).mapToObj(p -> String.format(Locale.ROOT, "%9s", "p" + p)).collect(Collectors.joining());
    }

    private static String row(long[] perPartition) {
        return Arrays.stream(perPartition).mapToObj(n -> String.format(Locale.ROOT, "%,9d", n)).collect(Collectors.joining());
    }

    private static double spread(long[] perPartition) {
        long max = Arrays.stream(perPartition).max().orElse(0);
        long min = Arrays.stream(perPartition).min().orElse(0);
        return min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
    }
}
