package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.kafka.cluster.ChildJvm;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.kafka.cluster.TempDirectories;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Nothing acknowledged is lost on Kafka through a broker's SIGKILL and a member's. 300,000 keyed records (1,000 keys,
 * each key's records numbered in order) go out with {@code Acks.STORED} to a topic of 12 partitions, replication
 * factor 3, {@code min.insync.replicas} 2, while one of the three brokers is killed with SIGKILL and restarted. Two
 * members of one group take them with {@code process()}, concurrency 64, {@code PER_KEY}: member A here, member B in a
 * child JVM, killed with SIGKILL halfway; A takes B's partitions over from what B committed.
 *
 * <p>Checked: every acknowledged record was handled by A or B; in what each member's handlers saw of a key, the key's
 * records come in order, except that a member may start again from an earlier record (redelivery after a rebalance);
 * A started each of B's partitions no later than just after the last record B handled there (no gap), and past the
 * partition's start where B had committed. Duplicates are counted and printed.
 */
class KafkaFaultTest {
    static final int RECORDS = 300_000;
    static final int KEYS = 1_000;
    private static final int PARTITIONS = 12;
    private static final Duration DEADLINE = Duration.ofMinutes(4);

    /** The index a record carries: its value. */
    static int index(Record r) {
        return r.valueBuffer().getInt();
    }

    /** A member's Kafka options: a killed member is noticed after 6 s (Kafka's default is 45). */
    static KafkaOptions memberOptions(String bootstrap) {
        return KafkaOptions.create().bootstrap(bootstrap).property("session.timeout.ms", 6_000).property("heartbeat.interval.ms", 1_000);
    }

    static ConsumerOptions consumerOptions(String group, String topic) {
        return FaultTestMember.options(group, topic);
    }

    @Test
    void acknowledgedRecordsSurviveABrokerKillAndAMemberKillInPerKeyOrder() throws Exception {
        String topic = "orders";
        String group = "billing";
        Path dir = TempDirectories.create("sluice-kafka-fault-");
        try (KafkaCluster cluster = KafkaCluster.start(3);
             Sluice producing = KafkaSluice.connect(KafkaOptions.create().bootstrap(cluster.bootstrap()));
             Sluice memberA = KafkaSluice.connect(memberOptions(cluster.bootstrap()))) {
            producing.admin().createTopic(TopicSpec.of(topic).partitions(PARTITIONS).setting("replication.factor", "3")
                    .setting("min.insync.replicas", "2")).block(Duration.ofSeconds(60));

            Path seenByB = dir.resolve("seen-by-b.txt");
            ChildJvm b = ChildJvm.start("member B", Files.createDirectories(dir.resolve("b")), "member.log", List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                    FaultTestMember.class, List.of(cluster.bootstrap(), topic, group, seenByB.toString()));
            try {
                b.await(() -> lines(seenByB).stream().anyMatch(l -> l.startsWith("R ")) ? Optional.of(true) : Optional.empty(),
                        Duration.ofSeconds(60), "join the group");

                // member A: what each key's handlers saw, in the order they ran
                Map<Integer, List<Integer>> keysSeenByA = new ConcurrentHashMap<>();
                ConcurrentLinkedQueue<long[]> seenByA = new ConcurrentLinkedQueue<>();
                List<RebalanceEvent> rebalancesOfA = new ArrayList<>();
                var consumerA = memberA.consumer(consumerOptions(group, topic));
                Disposable watching = consumerA.rebalances().subscribe(e -> {
                    synchronized (rebalancesOfA) {
                        rebalancesOfA.add(e);
                    }
                });
                AtomicReference<Throwable> failedA = new AtomicReference<>();
                Disposable a = consumerA.process(r -> Mono.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1_000_000)))
                        .doOnNext(x -> {
                            int i = index(r);
                            keysSeenByA.computeIfAbsent(i % KEYS, k -> new ArrayList<>()).add(i / KEYS);
                            seenByA.add(new long[] {r.partition(), r.offset(), i});
                        })).subscribe(null, failedA::set);
                await(() -> {
                    synchronized (rebalancesOfA) {
                        return rebalancesOfA.stream().anyMatch(e -> !e.assigned().isEmpty());
                    }
                }, "member A owns partitions");

                // the producer: a broker killed at a third, back soon after; member B killed at two thirds
                BitSet acked = new BitSet(RECORDS);
                AtomicInteger ackedCount = new AtomicInteger();
                AtomicBoolean brokerKilled = new AtomicBoolean();
                AtomicBoolean memberKilled = new AtomicBoolean();
                AtomicReference<Throwable> faults = new AtomicReference<>();
                Flux<OutboundMessage<Integer>> records = Flux.range(0, RECORDS).map(i -> OutboundMessage.of(topic,
                        ("key-" + (i % KEYS)).getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(4).putInt(0, i).array(), i));
                long started = System.nanoTime();
                producing.producer(ProducerOptions.create().acks(Acks.STORED)).send(records)
                        .doOnNext(r -> {
                            synchronized (acked) {
                                acked.set(r.correlation());
                            }
                            int n = ackedCount.incrementAndGet();
                            if (n >= RECORDS / 3 && brokerKilled.compareAndSet(false, true)) {
                                Mono.fromRunnable(() -> {
                                    cluster.kill(2);
                                    cluster.restart(2);
                                }).subscribeOn(Schedulers.boundedElastic()).subscribe(null, faults::set);
                            }
                            if (n >= 2 * RECORDS / 3 && memberKilled.compareAndSet(false, true)) {
                                Mono.fromRunnable(b::kill).subscribeOn(Schedulers.boundedElastic()).subscribe(null, faults::set);
                            }
                        })
                        .then().block(DEADLINE);
                double seconds = (System.nanoTime() - started) / 1e9;

                // everything acknowledged is handled by A or B
                await(() -> failedA.get() != null || !b.isAlive() && missing(acked, seenByA, seenByB).isEmpty(), "every acknowledged record handled");
                a.dispose();
                watching.dispose();
                assertThat(failedA.get()).as("member A's process()").isNull();
                assertThat(faults.get()).as("killing and restarting").isNull();

                List<String> linesOfB = lines(seenByB);
                List<long[]> seenByBRecords = records(linesOfB);
                Set<Integer> distinct = new HashSet<>();
                int handled = 0;
                for (long[] s : seenByA) {
                    distinct.add((int) s[2]);
                    handled++;
                }
                for (long[] s : seenByBRecords) {
                    distinct.add((int) s[2]);
                    handled++;
                }
                int duplicates = handled - distinct.size();

                // per-key order in what each member's handlers saw
                Map<Integer, List<Integer>> keysSeenByB = new HashMap<>();
                for (long[] s : seenByBRecords) {
                    keysSeenByB.computeIfAbsent((int) s[2] % KEYS, k -> new ArrayList<>()).add((int) s[2] / KEYS);
                }
                List<String> orderViolations = new ArrayList<>();
                orderViolations.addAll(outOfOrder("A", keysSeenByA));
                orderViolations.addAll(outOfOrder("B", keysSeenByB));

                // A took B's last partitions over from B's committed prefix: no gap, and not from the start where B committed
                Set<Integer> lastOfB = lastAssignment(linesOfB);
                Map<Integer, Long> lastHandledByB = new TreeMap<>();
                for (long[] s : seenByBRecords) {
                    lastHandledByB.merge((int) s[0], s[1], Math::max);
                }
                Map<Integer, Long> firstOfAAfter = new TreeMap<>();
                for (long[] s : seenByA) {
                    if (lastOfB.contains((int) s[0])) {
                        firstOfAAfter.merge((int) s[0], s[1], Math::min);
                    }
                }
                System.out.printf("KafkaFaultTest: %,d records acknowledged in %.1f s (acks STORED, a broker SIGKILLed at %,d and"
                                + " restarted); handled %,d times by A (%,d) and B (%,d, SIGKILLed at %,d acknowledged), %,d duplicates;"
                                + " B's last partitions %s: B handled up to %s, A took over from %s%n",
                        ackedCount.get(), seconds, RECORDS / 3, handled, seenByA.size(), seenByBRecords.size(), 2 * RECORDS / 3,
                        duplicates, lastOfB, lastHandledByB, firstOfAAfter);

                assertThat(ackedCount.get()).as("records acknowledged").isEqualTo(RECORDS);
                assertThat(missing(acked, seenByA, seenByB)).as("acknowledged records no member handled").isEmpty();
                assertThat(orderViolations).as("records of a key out of order").isEmpty();
                assertThat(lastOfB).as("partitions B owned when it was killed").isNotEmpty();
                for (int p : lastOfB) {
                    long next = lastHandledByB.getOrDefault(p, -1L) + 1;
                    assertThat(firstOfAAfter.get(p)).as("where A started B's partition %d", p).isNotNull().isLessThanOrEqualTo(next);
                }
                assertThat(lastOfB.stream().anyMatch(p -> firstOfAAfter.get(p) > 0))
                        .as("A started some of B's partitions after their beginning: from what B committed").isTrue();
            } finally {
                b.close();
            }
        } finally {
            TempDirectories.delete(dir);
        }
    }

    /**
     * Each key's records in the order a member's handlers saw them: each is the next one, or an earlier one (the member
     * was given the partition again and starts over from its committed position); a later one would skip records.
     */
    private static List<String> outOfOrder(String member, Map<Integer, List<Integer>> seen) {
        List<String> violations = new ArrayList<>();
        seen.forEach((key, seqs) -> {
            for (int i = 1; i < seqs.size(); i++) {
                int before = seqs.get(i - 1);
                int now = seqs.get(i);
                if (now > before + 1) {
                    violations.add(member + ": key-" + key + " record " + now + " after " + before);
                }
            }
        });
        return violations;
    }

    private static Set<Integer> missing(BitSet acked, ConcurrentLinkedQueue<long[]> seenByA, Path seenByB) {
        BitSet seen = new BitSet(RECORDS);
        for (long[] s : seenByA) {
            seen.set((int) s[2]);
        }
        for (long[] s : records(lines(seenByB))) {
            seen.set((int) s[2]);
        }
        BitSet missing;
        synchronized (acked) {
            missing = (BitSet) acked.clone();
        }
        missing.andNot(seen);
        Set<Integer> out = new HashSet<>();
        missing.stream().limit(20).forEach(out::add);
        return out;
    }

    private static List<long[]> records(List<String> lines) {
        List<long[]> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f[0].equals("S") && f.length == 4) {
                out.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
            }
        }
        return out;
    }

    private static Set<Integer> lastAssignment(List<String> lines) {
        Set<Integer> last = Set.of();
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f[0].equals("R")) {
                Set<Integer> s = new HashSet<>();
                if (f.length > 2 && !f[2].isEmpty()) {
                    for (String p : f[2].split(",")) {
                        s.add(Integer.parseInt(p));
                    }
                }
                last = s;
            }
        }
        return last;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + DEADLINE + " for: " + what);
            }
            Mono.delay(Duration.ofMillis(200)).block();
        }
    }
}
