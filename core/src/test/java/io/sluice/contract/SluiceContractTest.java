package io.sluice.contract;

import static io.sluice.testing.Messages.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.DeadLetterHeaders;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.Ordering;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.consumer.Result;
import io.sluice.consumer.StartPosition;
import io.sluice.errors.ClosedException;
import io.sluice.errors.DeserializationException;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.TopicFullException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.partition.Assignor;
import io.sluice.partition.Assignors;
import io.sluice.partition.Partitioners;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.Record;
import io.sluice.record.TopicPartition;
import io.sluice.serde.Serdes;
import io.sluice.testing.Messages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/**
 * What every {@link Sluice} must do, whatever keeps its records (memory, H2, PostgreSQL) and wherever it
 * runs (in process, over TCP). One subclass per implementation supplies {@link #newSluice()}.
 */
public abstract class SluiceContractTest {
    protected static final Duration TIMEOUT = Duration.ofSeconds(60);

    protected Sluice sluice;

    /** A new, open Sluice for one test; closed after it. */
    protected abstract Sluice newSluice();

    @BeforeEach
    void open() {
        sluice = newSluice();
    }

    @AfterEach
    void closeSluice() {
        sluice.close();
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected String createTopic(TopicSpec spec) {
        StepVerifier.create(sluice.admin().createTopic(spec)).verifyComplete();
        return spec.name();
    }

    protected void produce(String topic, int count, ProducerOptions options) {
        Producer producer = sluice.producer(options);
        StepVerifier.create(producer.send(Messages.sequence(topic, count, i -> "key-" + (i % 100))))
                .expectNextCount(count)
                .expectComplete()
                .verify(TIMEOUT);
        awaitVisible(topic, count);
    }

    /**
     * Returns once at least {@code records} acknowledged records of {@code topic} can be read. An engine or a node
     * shows an acknowledged record at once (the default does nothing); on Kafka, a record acknowledged by the
     * partition's leader alone ({@code Acks.APPENDED}) is readable once the in-sync replicas have it too, a moment
     * later. The tests that read right after they send call it.
     */
    protected void awaitVisible(String topic, long records) {
    }

    /**
     * A new Sluice on the same records as the test's, after the test closed it (an engine on the same durable store,
     * the same Kafka cluster); null where closing loses them (memory, a node the test stops), and the tests then check
     * what was stored through the send's results.
     */
    protected Sluice reopen() {
        return null;
    }

    protected ConsumerOptions consumerOptions(String group, String topic) {
        return ConsumerOptions.create(group).topics(topic).commitInterval(Duration.ZERO);
    }

    @Test
    void recordsKeepTheirOrderWithinAPartition() {
        String topic = createTopic(TopicSpec.of(unique("order")).partitions(4));
        produce(topic, 20_000, ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        Map<Integer, List<Long>> offsets = new HashMap<>();
        Map<Integer, List<Long>> seqs = new HashMap<>();
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(20_000))
                .thenConsumeWhile(d -> {
                    offsets.computeIfAbsent(d.record().partition(), p -> new ArrayList<>()).add(d.record().offset());
                    seqs.computeIfAbsent(d.record().partition(), p -> new ArrayList<>()).add(seq(d.record()));
                    d.ack();
                    return true;
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(offsets).hasSize(4);
        for (int p = 0; p < 4; p++) {
            assertThat(offsets.get(p)).hasSize(5_000).isSorted().doesNotHaveDuplicates();
            assertThat(offsets.get(p).get(0)).isZero();
            assertThat(seqs.get(p)).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void recordsOfOneKeyAreNeverInFlightTogetherUnderPerKeyConcurrency() {
        String topic = createTopic(TopicSpec.of(unique("perkey")).partitions(2));
        produce(topic, 3_000, ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        Map<String, Long> lastSeqOfKey = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<String> violations = new ArrayList<>();
        Consumer consumer = sluice.consumer(consumerOptions("g", topic).concurrency(16).ordering(Ordering.PER_KEY));
        Flux<Result> processed = consumer.process(r -> {
            String key = r.keyAsString();
            long s = seq(r);
            return Mono.fromRunnable(() -> {
                        if (!inFlight.add(key)) {
                            synchronized (violations) {
                                violations.add("two records of " + key + " in flight at once");
                            }
                        }
                        Long prev = lastSeqOfKey.put(key, s);
                        if (prev != null && prev > s) {
                            synchronized (violations) {
                                violations.add(key + ": seq " + s + " after " + prev);
                            }
                        }
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    })
                    .then(Mono.delay(Duration.ofMillis(1)))
                    .doOnSuccess(x -> {
                        running.decrementAndGet();
                        inFlight.remove(key);
                    });
        });
        StepVerifier.create(processed.take(3_000))
                .expectNextCount(3_000)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(violations).isEmpty();
        assertThat(lastSeqOfKey).hasSize(100);
        assertThat(maxRunning.get()).as("handlers ran concurrently").isGreaterThan(1);
    }

    /**
     * Under {@code PER_KEY}, a record without a key is ordered by its partition: the keyless records of one partition
     * run one at a time in offset order (were they unordered, 16 handlers would overlap them), while the keyed records
     * around them still run in parallel.
     */
    @Test
    void recordsWithoutAKeyKeepTheirPartitionsOrderUnderPerKeyConcurrency() {
        String topic = createTopic(TopicSpec.of(unique("keyless")).partitions(2));
        int n = 1_200;
        // record i goes to partition i % 2; in each partition, records without a key alternate with records of 10 keys
        Flux<OutboundMessage<Long>> messages = Flux.range(0, n).map(i -> OutboundMessage.of(topic,
                (i / 2) % 2 == 0 ? null : "key-" + (i % 40), Messages.value(i, 16), (long) i).withPartition(i % 2));
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(messages)).expectNextCount(n).expectComplete().verify(TIMEOUT);
        Map<Integer, AtomicInteger> keylessRunning = new ConcurrentHashMap<>();
        Map<Integer, List<Long>> keylessOffsets = new ConcurrentHashMap<>();
        AtomicInteger keyedRunning = new AtomicInteger();
        AtomicInteger maxKeyedRunning = new AtomicInteger();
        List<String> violations = new ArrayList<>();
        Consumer consumer = sluice.consumer(consumerOptions("g", topic).concurrency(16).ordering(Ordering.PER_KEY));
        Flux<Result> processed = consumer.process(r -> {
            if (r.hasKey()) {
                return Mono.fromRunnable(() -> maxKeyedRunning.accumulateAndGet(keyedRunning.incrementAndGet(), Math::max))
                        .then(Mono.delay(Duration.ofMillis(1)))
                        .doOnSuccess(x -> keyedRunning.decrementAndGet());
            }
            int partition = r.partition();
            long offset = r.offset();
            AtomicInteger running = keylessRunning.computeIfAbsent(partition, p -> new AtomicInteger());
            List<Long> offsets = keylessOffsets.computeIfAbsent(partition, p -> new ArrayList<>());
            return Mono.fromRunnable(() -> {
                        if (running.incrementAndGet() > 1) {
                            synchronized (violations) {
                                violations.add("two records without a key of partition " + partition + " in flight at once (offset " + offset + ")");
                            }
                        }
                        synchronized (offsets) {
                            if (!offsets.isEmpty() && offsets.get(offsets.size() - 1) > offset) {
                                synchronized (violations) {
                                    violations.add("partition " + partition + ": offset " + offset + " after " + offsets.get(offsets.size() - 1));
                                }
                            }
                            offsets.add(offset);
                        }
                    })
                    .then(Mono.delay(Duration.ofMillis(1)))
                    .doOnSuccess(x -> running.decrementAndGet());
        });
        StepVerifier.create(processed.take(n))
                .expectNextCount(n)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(violations).isEmpty();
        assertThat(keylessOffsets).hasSize(2);
        keylessOffsets.values().forEach(offsets -> assertThat(offsets).hasSize(n / 4).isSorted().doesNotHaveDuplicates());
        assertThat(maxKeyedRunning.get()).as("keyed handlers ran concurrently").isGreaterThan(1);
    }

    @Test
    void recordsOfOnePartitionRunOneAtATimeInOffsetOrderWhilePartitionsRunInParallelUnderPerPartition() {
        String topic = createTopic(TopicSpec.of(unique("perpartition")).partitions(4));
        int n = 1_200;
        // 100 keys, spread over every partition: keeping only each key's order would overlap records of one partition
        produce(topic, n, ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        Map<Integer, AtomicInteger> runningIn = new ConcurrentHashMap<>();
        Map<Integer, List<Long>> offsetsOf = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<String> violations = new ArrayList<>();
        Consumer consumer = sluice.consumer(consumerOptions("g", topic).concurrency(8).ordering(Ordering.PER_PARTITION));
        Flux<Result> processed = consumer.process(r -> {
            int partition = r.partition();
            long offset = r.offset();
            AtomicInteger inPartition = runningIn.computeIfAbsent(partition, p -> new AtomicInteger());
            List<Long> offsets = offsetsOf.computeIfAbsent(partition, p -> new ArrayList<>());
            return Mono.fromRunnable(() -> {
                        if (inPartition.incrementAndGet() > 1) {
                            synchronized (violations) {
                                violations.add("two records of partition " + partition + " in flight at once (offset " + offset + ")");
                            }
                        }
                        synchronized (offsets) {
                            if (!offsets.isEmpty() && offsets.get(offsets.size() - 1) > offset) {
                                synchronized (violations) {
                                    violations.add("partition " + partition + ": offset " + offset + " after " + offsets.get(offsets.size() - 1));
                                }
                            }
                            offsets.add(offset);
                        }
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    })
                    .then(Mono.delay(Duration.ofMillis(1)))
                    .doOnSuccess(x -> {
                        running.decrementAndGet();
                        inPartition.decrementAndGet();
                    });
        });
        StepVerifier.create(processed.take(n))
                .expectNextCount(n)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(violations).isEmpty();
        assertThat(offsetsOf).hasSize(4);
        offsetsOf.values().forEach(offsets -> assertThat(offsets).isEqualTo(LongStream.range(0, n / 4).boxed().toList()));
        assertThat(maxRunning.get()).as("handlers of different partitions ran concurrently").isGreaterThan(1);
    }

    /**
     * Key {@code key-0}'s first record waits (in its handler, or in a retry after failing) until every record of
     * the other 99 keys is done: under head-of-line blocking it would wait forever and the test time out.
     */
    private void otherKeysOvertakeAStalledKey(String name, boolean asRetry) {
        String topic = createTopic(TopicSpec.of(unique(name)).partitions(2));
        int n = 3_000;
        int others = n - n / 100;
        produce(topic, n, ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        Sinks.Empty<Void> othersDone = Sinks.empty();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        Map<String, Long> lastSeqOfKey = new ConcurrentHashMap<>();
        List<String> violations = new ArrayList<>();
        ConsumerOptions options = consumerOptions("g", topic).concurrency(16).ordering(Ordering.PER_KEY);
        if (asRetry) {
            // the retry's backoff lasts until the other keys are done
            options = options.retry(Retry.from(signals -> signals.concatMap(signal -> othersDone.asMono().thenReturn(signal))));
        }
        boolean retrying = asRetry;
        Flux<Result> processed = sluice.consumer(options).process(r -> {
            String key = r.keyAsString();
            long s = seq(r);
            boolean stalled = key.equals("key-0") && s == 0;
            if (stalled && attempts.incrementAndGet() == 1) {
                return retrying ? Mono.error(new IllegalStateException("fails once")) : othersDone.asMono();
            }
            return Mono.fromRunnable(() -> {
                Long prev = lastSeqOfKey.put(key, s);
                if (prev != null && prev > s) {
                    synchronized (violations) {
                        violations.add(key + ": seq " + s + " after " + prev);
                    }
                }
                if (!key.equals("key-0") && done.incrementAndGet() == others) {
                    othersDone.tryEmitEmpty();
                }
            });
        });
        StepVerifier.create(processed.take(n))
                .expectNextCount(n)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(violations).isEmpty();
        assertThat(done).hasValue(others);
        assertThat(attempts.get()).isEqualTo(asRetry ? 2 : 1);
        assertThat(lastSeqOfKey).hasSize(100);
    }

    @Test
    void otherKeysOvertakeAKeyWhoseHandlerStalls() {
        otherKeysOvertakeAStalledKey("stall", false);
    }

    @Test
    void otherKeysOvertakeAKeyWhoseHandlerRetriesWithBackoff() {
        otherKeysOvertakeAStalledKey("stallretry", true);
    }

    /**
     * Record 3's handler never completes while the 19 records around it (each of its own key) complete: commits advance
     * only over completed records, so the partition's committed position stays at 3, both on a commit while the member
     * runs and after it leaves, and the next member of the group gets record 3 again and everything after it.
     */
    @Test
    void aStalledKeyHoldsItsPartitionsCommittedPositionAndTheNextMemberGetsItsRecordAgain() {
        String topic = createTopic(TopicSpec.of(unique("stallcommit")));
        produce(topic, 20, ProducerOptions.create()); // keys key-0 .. key-19: one record each
        Consumer consumer = sluice.consumer(consumerOptions("g", topic).concurrency(4).ordering(Ordering.PER_KEY));
        Set<Long> completed = ConcurrentHashMap.newKeySet();
        Flux<GroupDescription> committedWhileStalled = consumer.process(r -> r.offset() == 3 ? Mono.never() : Mono.empty())
                .doOnNext(result -> completed.add(result.record().offset()))
                .index()
                // once the 19 others are done, still subscribed and with record 3's handler still running
                .concatMap(t -> t.getT1() < 18 ? Mono.<GroupDescription>empty()
                        : consumer.commit().then(Mono.defer(() -> sluice.admin().describeGroup("g"))))
                .take(1);
        StepVerifier.create(committedWhileStalled)
                .assertNext(g -> assertThat(g.partitions()).singleElement()
                        .satisfies(p -> assertThat(p.committedOffset()).as("committed while record 3 stalls").isEqualTo(3)))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(completed).hasSize(19).doesNotContain(3L);
        // the subscription has ended: its commit (what it acknowledged) still stops at the stalled record
        StepVerifier.create(consumer.commit()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeGroup("g"))
                .assertNext(g -> assertThat(g.partitions()).singleElement()
                        .satisfies(p -> assertThat(p.committedOffset()).as("committed after the member left").isEqualTo(3)))
                .verifyComplete();
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(17).map(d -> d.record().offset()))
                .expectNextSequence(LongStream.range(3, 20).boxed().toList())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void eachRecordGoesToExactlyOneMemberOfAGroupAndEveryGroupSeesEveryRecord() {
        String topic = createTopic(TopicSpec.of(unique("fanout")).partitions(6));
        Consumer a = sluice.consumer(consumerOptions("billing", topic).assignor(Assignors.roundRobin()));
        Consumer b = sluice.consumer(consumerOptions("billing", topic).assignor(Assignors.roundRobin()));
        Consumer c = sluice.consumer(consumerOptions("audit", topic));
        int n = 12_000;
        Set<Long> byA = ConcurrentHashMap.newKeySet();
        Set<Long> byB = ConcurrentHashMap.newKeySet();
        Set<Long> byC = ConcurrentHashMap.newKeySet();
        AtomicInteger billing = new AtomicInteger();
        Sinks.Empty<Void> billingDone = Sinks.empty();

        // Both billing members join and settle before anything is produced: their latest rebalances agree on one
        // generation and split the six partitions between them. On the engine b's join makes generation 2; on Kafka, whose
        // joins are asynchronous, both may join generation 1 together, or one may join it alone and the other the next.
        StepVerifier.create(Flux.merge(a.rebalances().map(e -> Map.entry("a", e)), b.rebalances().map(e -> Map.entry("b", e)))
                        .scan(Map.<String, RebalanceEvent>of(), (latest, e) -> {
                            Map<String, RebalanceEvent> next = new HashMap<>(latest);
                            next.put(e.getKey(), e.getValue());
                            return next;
                        })
                        .filter(latest -> settledBetweenTwo(latest, 6))
                        .take(1))
                .then(() -> {
                    // a member's error fails the test with its cause instead of hanging it
                    a.receive().doOnNext(d -> collect(d, byA, billing, n, billingDone)).subscribe(null, billingDone::tryEmitError);
                    b.receive().doOnNext(d -> collect(d, byB, billing, n, billingDone)).subscribe(null, billingDone::tryEmitError);
                })
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(c.receive().take(n).doOnSubscribe(s -> { })
                        .doOnNext(d -> {
                            byC.add(seq(d.record()));
                            d.ack();
                        })
                        .then()
                        .and(Mono.fromRunnable(() -> produce(topic, n, ProducerOptions.create().partitioner(Partitioners.random()))))
                        .and(billingDone.asMono()))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(byA).isNotEmpty();
        assertThat(byB).isNotEmpty();
        assertThat(intersection(byA, byB)).as("records delivered to both members").isEmpty();
        assertThat(byA.size() + byB.size()).isEqualTo(n);
        assertThat(byC).hasSize(n);
    }

    private static void collect(Delivery d, Set<Long> into, AtomicInteger total, int n, Sinks.Empty<Void> done) {
        into.add(seq(d.record()));
        d.ack();
        if (total.incrementAndGet() == n) {
            done.tryEmitEmpty();
        }
    }

    /** Two members' latest rebalances are of one generation and split all {@code partitions} between them. */
    private static boolean settledBetweenTwo(Map<String, RebalanceEvent> latest, int partitions) {
        if (latest.size() != 2) {
            return false;
        }
        List<RebalanceEvent> events = List.copyOf(latest.values());
        RebalanceEvent first = events.get(0);
        RebalanceEvent second = events.get(1);
        Set<TopicPartition> union = new HashSet<>(first.assigned());
        union.addAll(second.assigned());
        return first.generation() == second.generation() && union.size() == partitions
                && first.assigned().size() + second.assigned().size() == partitions;
    }

    private static Set<Long> intersection(Set<Long> a, Set<Long> b) {
        Set<Long> i = new HashSet<>(a);
        i.retainAll(b);
        return i;
    }

    @Test
    void membersJoiningAndLeavingTriggerRebalancesWithGenerations() {
        String topic = createTopic(TopicSpec.of(unique("rebalance")).partitions(4));
        Consumer a = sluice.consumer(consumerOptions("g", topic));
        Consumer b = sluice.consumer(consumerOptions("g", topic));
        Set<TopicPartition> all = Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                new TopicPartition(topic, 2), new TopicPartition(topic, 3));
        var subscriptionOfA = a.receive().subscribe();
        try {
            StepVerifier.create(a.rebalances().take(3))
                    .assertNext(e -> {
                        assertThat(e.generation()).isEqualTo(1);
                        assertThat(e.assigned()).isEqualTo(all);
                    })
                    .then(() -> b.receive().take(Duration.ofMillis(200)).subscribe())
                    .assertNext(e -> {
                        assertThat(e.generation()).isEqualTo(2);
                        assertThat(e.assigned()).hasSize(2);
                        assertThat(e.revoked()).hasSize(2);
                    })
                    .assertNext(e -> {
                        assertThat(e.generation()).isEqualTo(3);
                        assertThat(e.assigned()).isEqualTo(all);
                        assertThat(e.added()).hasSize(2);
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(sluice.admin().describeGroup("g"))
                    .assertNext(g -> {
                        assertThat(g.generation()).isEqualTo(3);
                        assertThat(g.members()).hasSize(1);
                        assertThat(g.members().get(0).assignment()).hasSize(4);
                    })
                    .verifyComplete();
        } finally {
            subscriptionOfA.dispose();
        }
    }

    @Test
    void unacknowledgedRecordsAreRedeliveredWhenTheirMemberLeaves() {
        String topic = createTopic(TopicSpec.of(unique("redeliver")));
        produce(topic, 100, ProducerOptions.create());
        List<Long> first = new ArrayList<>();
        // The first member acknowledges records 0..49 and receives 50..59 without acknowledging them.
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(60))
                .thenConsumeWhile(d -> {
                    first.add(d.record().offset());
                    if (d.record().offset() < 50) {
                        d.ack();
                    }
                    return true;
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(first).hasSize(60);
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(50))
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(50))
                .expectNextCount(49)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void receiveAutoAckAcknowledgesWhatItEmitsSoTheNextMemberStartsAfterIt() {
        String topic = createTopic(TopicSpec.of(unique("autoack")));
        produce(topic, 30, ProducerOptions.create());
        Consumer consumer = sluice.consumer(consumerOptions("g", topic));
        // the member reads ahead (all 30 records fit its prefetch) but emits, and so acknowledges, only the 10 taken
        StepVerifier.create(consumer.receiveAutoAck().take(10).map(Record::offset))
                .expectNextSequence(LongStream.range(0, 10).boxed().toList())
                .expectComplete()
                .verify(TIMEOUT);
        // the subscription's end committed what it acknowledged; commit() completes once that is stored
        StepVerifier.create(consumer.commit()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeGroup("g"))
                .assertNext(g -> assertThat(g.partitions()).singleElement()
                        .satisfies(p -> assertThat(p.committedOffset()).isEqualTo(10)))
                .verifyComplete();
        // not redelivered, unlike deliveries of receive() that were not acknowledged
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(20).map(d -> d.record().offset()))
                .expectNextSequence(LongStream.range(10, 30).boxed().toList())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void noRecordIsLostWhileMembersComeAndGo() {
        int n = 100_000;
        String topic = createTopic(TopicSpec.of(unique("churn")).partitions(8).maxBacklog(n));
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicLong deliveries = new AtomicLong();
        ConsumerOptions options = consumerOptions("churn", topic).commitBatchSize(100).assignor(Assignors.sticky());
        // 24 members, three at a time, each takes a random number of records, leaves some unacknowledged and goes.
        Flux<Void> churn = Flux.range(0, 24).flatMap(i -> {
            int take = ThreadLocalRandom.current().nextInt(500, 6_000);
            return sluice.consumer(options).receive().take(take)
                    .doOnNext(d -> {
                        deliveries.incrementAndGet();
                        if (ThreadLocalRandom.current().nextInt(10) != 0) {
                            acked.add(seq(d.record()));
                            d.ack();
                        }
                    })
                    .then();
        }, 3);
        Mono<Void> producing = Mono.fromRunnable(() -> produce(topic, n, ProducerOptions.create().partitioner(Partitioners.roundRobin())));
        StepVerifier.create(churn.then().and(producing)).expectComplete().verify(TIMEOUT);
        // A last member takes everything that is left.
        StepVerifier.create(sluice.consumer(options).receive()
                        .doOnNext(d -> {
                            acked.add(seq(d.record()));
                            d.ack();
                        })
                        .takeUntil(d -> acked.size() == n)
                        .then(sluice.admin().describeGroup("churn")))
                .assertNext(g -> {
                    assertThat(g.members()).isEmpty();
                    assertThat(g.totalLag()).as("every record acknowledged and committed").isZero();
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(acked).hasSize(n);
        assertThat(deliveries.get()).isGreaterThan(0);
    }

    @Test
    void aGroupResumesAfterItsCommittedPosition() {
        String topic = createTopic(TopicSpec.of(unique("resume")));
        produce(topic, 1_000, ProducerOptions.create());
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(400)
                        .concatMap(d -> d.commit().thenReturn(d)))
                .expectNextCount(400)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeGroup("g"))
                .assertNext(g -> assertThat(g.partitions()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.committedOffset()).isEqualTo(400);
                            assertThat(p.lag()).isEqualTo(600);
                        }))
                .verifyComplete();
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(1))
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(400))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void autoCommitByCountCommitsEveryNAcknowledgements() {
        String topic = createTopic(TopicSpec.of(unique("autocount")));
        produce(topic, 25, ProducerOptions.create());
        AtomicInteger acks = new AtomicInteger();
        var member = sluice.consumer(consumerOptions("counted", topic).commitBatchSize(10)).receive()
                .doOnNext(d -> {
                    d.ack();
                    acks.incrementAndGet();
                })
                .subscribe();
        try {
            // while the member is still subscribed, 25 acknowledgements have made two commits: 10 and 20
            StepVerifier.create(Flux.interval(Duration.ofMillis(5)).filter(i -> acks.get() == 25).next()
                            .then(sluice.admin().describeGroup("counted")))
                    .assertNext(g -> assertThat(g.partitions().get(0).committedOffset()).isEqualTo(20))
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            member.dispose();
        }
    }

    @Test
    void autoCommitByIntervalCommitsWhileTheMemberRuns() {
        String topic = createTopic(TopicSpec.of(unique("autotime")));
        produce(topic, 5, ProducerOptions.create());
        Consumer consumer = sluice.consumer(ConsumerOptions.create("timed").topics(topic).commitInterval(Duration.ofMillis(20)));
        var member = consumer.receive().doOnNext(Delivery::ack).subscribe();
        try {
            // watch the committed offset (no sleeping): it reaches 5 while the member is still subscribed
            StepVerifier.create(Flux.interval(Duration.ofMillis(5))
                            .onBackpressureDrop() // a describe slower than a tick (over the network, or in a GC pause) skips ticks
                            .concatMap(i -> sluice.admin().describeGroup("timed"))
                            .filter(g -> !g.partitions().isEmpty() && g.partitions().get(0).committedOffset() == 5)
                            .next())
                    .assertNext(g -> assertThat(g.members()).hasSize(1))
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            member.dispose();
        }
    }

    @Test
    void failingRecordsAreRetriedThenDeadLetteredWithTheirCause() {
        // two partitions, every record in partition 1: so that the partition header cannot be right by defaulting to 0
        String topic = createTopic(TopicSpec.of(unique("jobs")).partitions(2));
        String dlq = createTopic(TopicSpec.of(topic + ".dlq").partitions(2));
        StepVerifier.create(sluice.producer(ProducerOptions.create())
                        .send(Messages.sequence(topic, 10, i -> "key-" + i).map(m -> m.withPartition(1))))
                .expectNextCount(10)
                .expectComplete()
                .verify(TIMEOUT);
        Map<Long, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Consumer consumer = sluice.consumer(consumerOptions("workers", topic)
                .retry(Retry.backoff(3, Duration.ofMillis(5)))
                .deadLetterTopic(dlq));
        StepVerifier.create(consumer.process(r -> {
                    long s = seq(r);
                    attempts.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
                    return s == 7 ? Mono.error(new IllegalStateException("cannot bill order 7")) : Mono.empty();
                }).take(10))
                .expectNextCount(7)
                .assertNext(r -> {
                    assertThat(r.outcome()).isEqualTo(Result.Outcome.DEAD_LETTERED);
                    assertThat(r.attempts()).isEqualTo(4);
                    assertThat(r.error()).hasMessage("cannot bill order 7");
                })
                .expectNextCount(2)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(attempts.get(7L)).hasValue(4);
        assertThat(attempts.get(3L)).hasValue(1);
        StepVerifier.create(sluice.consumer(consumerOptions("dlq-reader", dlq)).receive().take(1))
                .assertNext(d -> {
                    Record r = d.record();
                    assertThat(seq(r)).isEqualTo(7);
                    assertThat(r.headers().lastString(DeadLetterHeaders.TOPIC)).isEqualTo(topic);
                    assertThat(r.headers().lastString(DeadLetterHeaders.PARTITION)).isEqualTo("1");
                    assertThat(r.headers().lastString(DeadLetterHeaders.OFFSET)).isEqualTo("7");
                    assertThat(r.headers().lastString(DeadLetterHeaders.GROUP)).isEqualTo("workers");
                    assertThat(r.headers().lastString(DeadLetterHeaders.ATTEMPTS)).isEqualTo("4");
                    assertThat(r.headers().lastString(DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
                    assertThat(r.headers().lastString(DeadLetterHeaders.MESSAGE)).isEqualTo("cannot bill order 7");
                    assertThat(r.keyAsString()).isEqualTo("key-7");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void typedValuesRoundTripAndAValueItsSerdeCannotReadIsDeadLetteredAfterOneAttemptWithItsCause() {
        String topic = createTopic(TopicSpec.of(unique("amounts")));
        String dlq = createTopic(TopicSpec.of(topic + ".dlq"));
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(Flux.range(0, 5).map(i -> i == 2
                        ? OutboundMessage.of(topic, "key-2", "two".getBytes(StandardCharsets.UTF_8), i)
                        : OutboundMessage.of(topic, "key-" + i, i * -1_000_000_000_000L, Serdes.longs(), i))))
                .expectNextCount(5)
                .expectComplete()
                .verify(TIMEOUT);
        awaitVisible(topic, 5);
        List<Long> processed = new CopyOnWriteArrayList<>();
        Consumer consumer = sluice.consumer(consumerOptions("typed", topic).retry(Retry.max(3)).deadLetterTopic(dlq));
        StepVerifier.create(consumer.process(Serdes.longs(), (record, amount) -> Mono.fromRunnable(() -> processed.add(amount)))
                        .take(5))
                .expectNextCount(2)
                .assertNext(r -> {
                    assertThat(r.outcome()).isEqualTo(Result.Outcome.DEAD_LETTERED);
                    assertThat(r.attempts()).isEqualTo(1);
                    assertThat(r.error()).isInstanceOf(DeserializationException.class);
                })
                .expectNextCount(2)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(processed).containsExactly(0L, -1_000_000_000_000L, -3_000_000_000_000L, -4_000_000_000_000L);
        awaitVisible(dlq, 1);
        StepVerifier.create(sluice.consumer(consumerOptions("dlq-reader", dlq)).receive().take(1))
                .assertNext(d -> {
                    Record r = d.record();
                    assertThat(r.valueAsString()).isEqualTo("two");
                    assertThat(r.headers().lastString(DeadLetterHeaders.OFFSET)).isEqualTo("2");
                    assertThat(r.headers().lastString(DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
                    assertThat(r.headers().lastString(DeadLetterHeaders.EXCEPTION)).isEqualTo(DeserializationException.class.getName());
                    assertThat(r.headers().lastString(DeadLetterHeaders.MESSAGE)).isEqualTo("cannot deserialize the value of record "
                            + topic + "-0@2 with Serdes.longs(): a Long is 8 bytes (big-endian), was 3 bytes");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aMissingDeadLetterTopicIsCreatedOnFirstUseWithAsManyPartitionsAsItsSource() {
        String topic = createTopic(TopicSpec.of(unique("invoices")).partitions(3));
        String dlq = topic + ".dlq";
        produce(topic, 30, ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        Consumer consumer = sluice.consumer(consumerOptions("billing", topic).concurrency(8).ordering(Ordering.UNORDERED)
                .deadLetterTopic(dlq));
        StepVerifier.create(sluice.admin().describeTopic(dlq)).expectError(UnknownTopicException.class).verify(TIMEOUT);

        StepVerifier.create(consumer.process(r -> seq(r) % 10 == 3 ? Mono.error(new IllegalStateException("no " + seq(r)))
                        : Mono.empty()).take(30))
                .recordWith(ArrayList::new)
                .expectNextCount(30)
                .consumeRecordedWith(results -> assertThat(results).filteredOn(r -> r.outcome() == Result.Outcome.DEAD_LETTERED)
                        .extracting(r -> seq(r.record())).containsExactlyInAnyOrder(3L, 13L, 23L))
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(sluice.admin().describeTopic(dlq))
                .assertNext(d -> {
                    assertThat(d.spec().partitions()).isEqualTo(3);
                    assertThat(d.partitions().stream().mapToLong(TopicDescription.PartitionInfo::retainedRecords).sum()).isEqualTo(3);
                })
                .verifyComplete();
        StepVerifier.create(sluice.consumer(consumerOptions("dlq-reader", dlq)).receive().take(3).map(d -> seq(d.record())))
                .recordWith(HashSet::new)
                .expectNextCount(3)
                .consumeRecordedWith(seqs -> assertThat(seqs).containsExactlyInAnyOrder(3L, 13L, 23L))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aHandlerReturningNullFailsItsAttemptWithAMessageNamingTheHandlersContract() {
        String topic = createTopic(TopicSpec.of(unique("nulls")));
        produce(topic, 1, ProducerOptions.create());
        Consumer consumer = sluice.consumer(consumerOptions("g", topic));
        StepVerifier.create(consumer.process(r -> null))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NullPointerException.class)
                        .hasMessage("the handler returned null for " + topic + "/0/0; return a Mono (Mono.empty() to ack)"))
                .verify(TIMEOUT);
    }

    @Test
    void withoutADeadLetterTopicTheLastFailureEndsProcessingAndTheRecordIsNotAcknowledged() {
        String topic = createTopic(TopicSpec.of(unique("strict")));
        produce(topic, 3, ProducerOptions.create());
        Consumer consumer = sluice.consumer(consumerOptions("g", topic).retry(Retry.max(1)));
        StepVerifier.create(consumer.process(r -> seq(r) == 1 ? Mono.error(new IllegalArgumentException("bad record")) : Mono.empty()))
                .expectNextCount(1)
                .expectErrorMessage("bad record")
                .verify(TIMEOUT);
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(1))
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(1))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aHandlerThatBlocksEndsProcessingSayingSoAndIsNeitherRetriedNorDeadLettered() {
        String topic = createTopic(TopicSpec.of(unique("blocking")));
        String dlq = createTopic(TopicSpec.of(topic + ".dlq"));
        produce(topic, 3, ProducerOptions.create());
        AtomicInteger calls = new AtomicInteger();
        Consumer consumer = sluice.consumer(consumerOptions("g", topic).retry(Retry.max(3)).deadLetterTopic(dlq));
        // embedded and over a node alike, handlers run on non-blocking threads, where Reactor refuses block()
        StepVerifier.create(consumer.process(r -> {
                    calls.incrementAndGet();
                    Mono.delay(Duration.ofMillis(1)).block();
                    return Mono.empty();
                }))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("process handler of group 'g' blocked a non-blocking thread")
                        .hasMessageContaining(topic + "-0@0")
                        .hasMessageContaining("publishOn(Schedulers.boundedElastic())"))
                .verify(TIMEOUT);
        assertThat(calls).as("not retried").hasValue(1);
        StepVerifier.create(sluice.admin().describeTopic(dlq))
                .assertNext(t -> assertThat(t.partitions().get(0).endOffset()).as("nothing dead-lettered").isZero())
                .verifyComplete();
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(1))
                .assertNext(d -> assertThat(d.record().offset()).as("nothing acknowledged").isZero())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void afterTheSubscriptionEndsAcknowledgementsAreIgnoredAndCommitAnswersWithWhatWasAcknowledgedBefore() {
        String topic = createTopic(TopicSpec.of(unique("ended")));
        produce(topic, 20, ProducerOptions.create());
        Consumer consumer = sluice.consumer(consumerOptions("g", topic));
        List<Delivery> held = new ArrayList<>();
        StepVerifier.create(consumer.receive().take(10))
                .thenConsumeWhile(d -> {
                    if (d.record().offset() < 5) {
                        d.ack();
                    } else {
                        held.add(d);
                    }
                    return true;
                })
                .expectComplete()
                .verify(TIMEOUT);
        held.forEach(Delivery::ack); // too late: ignored, the records are delivered again
        StepVerifier.create(held.get(4).commit()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(consumer.commit()).expectComplete().verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeGroup("g"))
                .assertNext(g -> assertThat(g.partitions()).singleElement()
                        .satisfies(p -> assertThat(p.committedOffset()).as("what was acknowledged before the end").isEqualTo(5)))
                .verifyComplete();
        StepVerifier.create(consumer.receive().take(1))
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(5))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void commitAfterProcessingEndedCommitsWhatItAcknowledged() {
        String topic = createTopic(TopicSpec.of(unique("then-commit")));
        produce(topic, 100, ProducerOptions.create());
        Consumer consumer = sluice.consumer(consumerOptions("g", topic));
        StepVerifier.create(consumer.process(r -> Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(3)))).take(40)
                        .then(consumer.commit())
                        .then(Mono.defer(() -> sluice.admin().describeGroup("g"))))
                .assertNext(g -> assertThat(g.partitions()).singleElement()
                        .satisfies(p -> assertThat(p.committedOffset()).isEqualTo(40)))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void replaysFromAnOffset() {
        String topic = createTopic(TopicSpec.of(unique("replay")));
        produce(topic, 1_000, ProducerOptions.create());
        StepVerifier.create(sluice.consumer(consumerOptions("from-500", topic).startPosition(StartPosition.offset(500))).receive().take(500))
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(500))
                .expectNextCount(498)
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(999))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void replaysFromATimestamp() {
        String topic = createTopic(TopicSpec.of(unique("replay-ts")));
        long base = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        Producer producer = sluice.producer(ProducerOptions.create());
        StepVerifier.create(producer.send(Flux.range(0, 1_000)
                        .map(i -> OutboundMessage.of(topic, (String) null, Messages.value(i, 8), i).withTimestamp(base + 10L * i))))
                .expectNextCount(1_000)
                .verifyComplete();
        awaitVisible(topic, 1_000);
        Instant from = Instant.ofEpochMilli(base + 10L * 250 - 5);
        StepVerifier.create(sluice.consumer(consumerOptions("from-ts", topic).startPosition(StartPosition.timestamp(from))).receive().take(1))
                .assertNext(d -> {
                    assertThat(d.record().offset()).isEqualTo(250);
                    assertThat(d.record().timestamp()).isEqualTo(base + 2_500);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void latestStartsAfterWhatIsThereWhenTheGroupJoins() {
        String topic = createTopic(TopicSpec.of(unique("latest")));
        produce(topic, 10, ProducerOptions.create());
        Consumer consumer = sluice.consumer(consumerOptions("late", topic).startPosition(StartPosition.latest()));
        StepVerifier.create(consumer.receive().take(1))
                .then(() -> produce(topic, 1, ProducerOptions.create()))
                .assertNext(d -> assertThat(d.record().offset()).isEqualTo(10))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void sendResultsCarryOffsetsInSendOrderPerPartition() {
        String topic = createTopic(TopicSpec.of(unique("results")).partitions(3));
        Map<Integer, List<Long>> offsets = new HashMap<>();
        StepVerifier.create(sluice.producer(ProducerOptions.create().acks(Acks.APPENDED).partitioner(Partitioners.roundRobin()).batchSize(256))
                        .send(Messages.sequence(topic, 3_000, null)))
                .thenConsumeWhile(r -> {
                    offsets.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset());
                    assertThat(r.correlation()).isNotNull();
                    return true;
                })
                .expectComplete()
                .verify(TIMEOUT);
        offsets.values().forEach(list -> assertThat(list).hasSize(1_000).isSorted().doesNotHaveDuplicates().startsWith(0L));
    }

    /** One send's results and how it ended, collected on whatever thread they come. */
    private static final class SendOutcome {
        final List<SendResult<Long>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch ended = new CountDownLatch(1);

        Disposable send(Producer producer, Flux<OutboundMessage<Long>> messages) {
            return producer.send(messages).subscribe(results::add, e -> {
                error.set(e);
                ended.countDown();
            }, ended::countDown);
        }
    }

    /**
     * Graceful close, producers' side: the records a send has taken and holds in its open batches (a linger far longer
     * than the test) are sent when the Sluice closes, their results come, and only then does the send end with
     * {@link ClosedException}; {@code close()} returns once it has ended.
     */
    @Test
    void closeSendsTheRecordsASendHasTakenAndEmitsTheirResultsBeforeEndingItWithClosedException() throws Exception {
        String topic = createTopic(TopicSpec.of(unique("close-linger")).partitions(3));
        int n = 300;
        AtomicInteger taken = new AtomicInteger();
        Producer producer = sluice.producer(ProducerOptions.create().linger(Duration.ofSeconds(3)).partitioner(Partitioners.roundRobin()));
        SendOutcome send = new SendOutcome();
        send.send(producer, Messages.sequence(topic, n, null).doOnNext(m -> taken.incrementAndGet()).concatWith(Flux.never()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (taken.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(taken.get()).isEqualTo(n);
        assertThat(send.results).as("records wait in the open batches for their linger").isEmpty();

        sluice.close();

        assertThat(send.ended.getCount()).as("close() returns once the send has ended").isZero();
        assertThat(send.results).hasSize(n);
        assertThat(send.error.get()).isInstanceOf(ClosedException.class).hasMessageContaining("not taken");
        assertThat(List.copyOf(send.results).stream().map(SendResult::correlation).toList()).containsExactlyInAnyOrderElementsOf(LongStream.range(0, n).boxed().toList());
        assertStored(topic, send.results);
    }

    /**
     * Graceful close, producers' side, with an endless upstream: the send stops taking records, ends with
     * {@link ClosedException}, and every record it had taken is acknowledged first: the topic holds exactly the records
     * whose results came (reopened where the records outlive the close), each once.
     */
    @Test
    void closeEndsAnEndlessSendWithClosedExceptionAfterTheResultsOfEveryRecordItTook() throws Exception {
        String topic = createTopic(TopicSpec.of(unique("close-endless")).partitions(3));
        AtomicLong given = new AtomicLong();
        Producer producer = sluice.producer(ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        SendOutcome send = new SendOutcome();
        send.send(producer, Flux.<OutboundMessage<Long>, Long>generate(() -> 0L, (i, sink) -> {
            sink.next(OutboundMessage.of(topic, (String) null, Messages.value(i, 16), i));
            return i + 1;
        }).doOnNext(m -> given.incrementAndGet()).subscribeOn(reactor.core.scheduler.Schedulers.parallel())); // a synchronous endless upstream: not on this thread
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (send.results.size() < 2_000 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(send.results).hasSizeGreaterThanOrEqualTo(2_000);

        sluice.close();

        assertThat(send.ended.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        int r = send.results.size();
        assertThat(given.get() - r).as("records the upstream gave without a result: at most the one it was giving as the send"
                + " stopped taking (not taken)").isBetween(0L, 1L);
        assertThat(send.error.get()).isInstanceOf(ClosedException.class).hasMessageContaining("not taken");
        assertThat(List.copyOf(send.results).stream().map(SendResult::correlation).toList()).as("the first %s records, each once", r)
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, r).boxed().toList());
        assertStored(topic, send.results);
    }

    /** The topic holds exactly the records of {@code results}: checked on a reopened Sluice, else through their offsets. */
    private void assertStored(String topic, List<SendResult<Long>> results) {
        Map<Integer, List<Long>> offsets = new HashMap<>();
        results.forEach(r -> offsets.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset()));
        offsets.values().forEach(list -> assertThat(list).isSorted().doesNotHaveDuplicates().startsWith(0L)
                .containsExactlyElementsOf(LongStream.range(0, list.size()).boxed().toList()));
        Sluice again = reopen();
        if (again == null) {
            return;
        }
        try (again) {
            TopicDescription d = again.admin().describeTopic(topic).block(TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (endOffsets(d) < results.size() && System.nanoTime() < deadline) { // Kafka: until the replicas have them
                Mono.delay(Duration.ofMillis(20)).block();
                d = again.admin().describeTopic(topic).block(TIMEOUT);
            }
            long stored = endOffsets(d);
            assertThat(stored).as("records in %s after the close", topic).isEqualTo(results.size());
            for (TopicDescription.PartitionInfo p : d.partitions()) {
                assertThat(p.endOffset()).isEqualTo(offsets.getOrDefault(p.partition(), List.of()).size());
            }
        }
    }

    private static long endOffsets(TopicDescription d) {
        return d.partitions().stream().mapToLong(TopicDescription.PartitionInfo::endOffset).sum();
    }

    @Test
    void withAcksNoneResultsComeOnePerRecordWithoutOffsetsAndTheRecordsAreStillAppendedAndDelivered() {
        String topic = createTopic(TopicSpec.of(unique("acks-none")).partitions(3));
        int n = 3_000;
        List<SendResult<Long>> results = new ArrayList<>();
        StepVerifier.create(sluice.producer(ProducerOptions.create().acks(Acks.NONE).partitioner(Partitioners.roundRobin()).batchSize(256))
                        .send(Messages.sequence(topic, n, null)))
                .recordWith(() -> results)
                .expectNextCount(n)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(results).as("one result per record").hasSize(n);
        assertThat(results).extracting(SendResult::topic).containsOnly(topic);
        assertThat(results).extracting(SendResult::offset).as("offsets with Acks.NONE").containsOnly(-1L);
        Map<Integer, List<Long>> sent = new HashMap<>();
        results.forEach(r -> sent.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.correlation()));
        assertThat(sent).hasSize(3);
        sent.values().forEach(seqs -> assertThat(seqs).as("results in send order within a partition").isSorted().doesNotHaveDuplicates());
        // nothing waited for the appends, yet every record is in its partition's log, where its result said, in send order
        Map<Integer, List<Long>> offsets = new HashMap<>();
        Map<Integer, List<Long>> received = new HashMap<>();
        StepVerifier.create(sluice.consumer(consumerOptions("g", topic)).receive().take(n))
                .thenConsumeWhile(d -> {
                    offsets.computeIfAbsent(d.record().partition(), p -> new ArrayList<>()).add(d.record().offset());
                    received.computeIfAbsent(d.record().partition(), p -> new ArrayList<>()).add(seq(d.record()));
                    d.ack();
                    return true;
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(received).isEqualTo(sent);
        received.forEach((p, seqs) -> assertThat(offsets.get(p)).isEqualTo(LongStream.range(0, seqs.size()).boxed().toList()));
        StepVerifier.create(sluice.admin().describeTopic(topic))
                .assertNext(t -> assertThat(t.partitions()).extracting(TopicDescription.PartitionInfo::endOffset)
                        .as("appended once each").containsExactly((long) sent.get(0).size(), (long) sent.get(1).size(), (long) sent.get(2).size()))
                .verifyComplete();
    }

    @Test
    void weightedAssignorGivesMembersPartitionsInProportionToTheirWeights() {
        String topic = createTopic(TopicSpec.of(unique("weights")).partitions(8));
        Consumer light = sluice.consumer(consumerOptions("w", topic).assignor(Assignors.weighted()).weight(1));
        Consumer heavy = sluice.consumer(consumerOptions("w", topic).assignor(Assignors.weighted()).weight(3));
        var l = light.receive().subscribe();
        var h = heavy.receive().subscribe();
        try {
            StepVerifier.create(heavy.rebalances().take(1)).expectNextCount(1).verifyComplete();
            StepVerifier.create(sluice.admin().describeGroup("w"))
                    .assertNext(g -> {
                        Map<Double, Integer> byWeight = new HashMap<>();
                        for (GroupDescription.Member m : g.members()) {
                            byWeight.put(m.weight(), m.assignment().size());
                        }
                        assertThat(byWeight).containsEntry(1.0, 2).containsEntry(3.0, 6);
                    })
                    .verifyComplete();
        } finally {
            l.dispose();
            h.dispose();
        }
    }

    @Test
    void theFirstMemberToJoinAGroupDecidesItsAssignor() {
        String topic = createTopic(TopicSpec.of(unique("first")).partitions(8));
        // weighted would split 8 partitions 2 (weight 1) to 6 (weight 3); range splits them 4 to 4, whatever the weights
        assertThat(partitionsByWeightAfterTwoJoin("weighted-first", topic, Assignors.weighted(), Assignors.range()))
                .as("weighted joined first").containsExactlyInAnyOrderEntriesOf(Map.of(1.0, 2, 3.0, 6));
        assertThat(partitionsByWeightAfterTwoJoin("range-first", topic, Assignors.range(), Assignors.weighted()))
                .as("range joined first").containsExactlyInAnyOrderEntriesOf(Map.of(1.0, 4, 3.0, 4));
    }

    /** A member of weight 1 with {@code first} joins {@code group}, then one of weight 3 with {@code second}. */
    private Map<Double, Integer> partitionsByWeightAfterTwoJoin(String group, String topic, Assignor first,
            Assignor second) {
        Consumer a = sluice.consumer(consumerOptions(group, topic).assignor(first).weight(1));
        Consumer b = sluice.consumer(consumerOptions(group, topic).assignor(second).weight(3));
        var subscriptionOfA = a.receive().subscribe();
        List<Disposable> subscriptionOfB = new ArrayList<>();
        try {
            StepVerifier.create(a.rebalances().take(2))
                    .assertNext(e -> assertThat(e.generation()).isEqualTo(1))
                    .then(() -> subscriptionOfB.add(b.receive().subscribe()))
                    .assertNext(e -> assertThat(e.generation()).isEqualTo(2))
                    .expectComplete()
                    .verify(TIMEOUT);
            Map<Double, Integer> byWeight = new HashMap<>();
            StepVerifier.create(sluice.admin().describeGroup(group))
                    .assertNext(g -> {
                        assertThat(g.generation()).isEqualTo(2);
                        for (GroupDescription.Member m : g.members()) {
                            byWeight.put(m.weight(), m.assignment().size());
                        }
                    })
                    .verifyComplete();
            return byWeight;
        } finally {
            subscriptionOfB.forEach(Disposable::dispose);
            subscriptionOfA.dispose();
        }
    }

    @Test
    void backpressureHoldsAProducerTenTimesFasterThanItsConsumerWithinMaxBacklog() {
        long maxBacklog = 200;
        int n = 2_000;
        String topic = createTopic(TopicSpec.of(unique("slow")).maxBacklog(maxBacklog).overflow(OverflowPolicy.BACKPRESSURE));
        AtomicLong worstBacklog = new AtomicLong();
        List<Long> received = new ArrayList<>();
        Consumer consumer = sluice.consumer(consumerOptions("slow", topic).prefetch(16));
        // consumer: about 1 record per millisecond; producer: 10 records per millisecond
        Flux<Long> consuming = consumer.receive()
                .concatMap(d -> Mono.delay(Duration.ofMillis(1)).thenReturn(d), 1)
                .doOnNext(d -> {
                    received.add(seq(d.record()));
                    d.ack();
                    worstBacklog.accumulateAndGet(backlog(topic), Math::max);
                })
                .map(d -> d.record().offset())
                .take(n);
        Flux<OutboundMessage<Long>> fast = Flux.interval(Duration.ofMillis(1))
                .onBackpressureDrop() // a held-back producer skips its slots
                .concatMapIterable(tick -> List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9))
                .index()
                .map(t -> OutboundMessage.of(topic, (String) null, Messages.value(t.getT1(), 16), t.getT1()))
                .take(n);
        Flux<Long> producing = sluice.producer(ProducerOptions.create().maxPending(64)).send(fast)
                .doOnNext(r -> worstBacklog.accumulateAndGet(backlog(topic), Math::max))
                .map(r -> r.offset());
        // the group joins before anything is produced, so that its position counts from the start
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> consumed = new java.util.concurrent.atomic.AtomicReference<>();
        StepVerifier.create(consumer.rebalances().take(1))
                .then(() -> consumed.set(consuming.then().toFuture()))
                .expectNextCount(1)
                .verifyComplete();
        StepVerifier.create(producing.then().and(Mono.fromFuture(consumed.get())))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(worstBacklog.get()).isLessThanOrEqualTo(maxBacklog);
        assertThat(worstBacklog.get()).as("the producer was actually held back").isGreaterThan(maxBacklog / 2);
        assertThat(received).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
    }

    /** The topic's backlog as its describe shows it: records past the slowest group's committed position. */
    protected long backlog(String topic) {
        return sluice.meterRegistry().get(io.sluice.metrics.SluiceMeters.BACKLOG).tag("topic", topic).gauges()
                .stream().mapToLong(g -> (long) g.value()).max().orElse(0);
    }

    @Test
    void dropOldestKeepsTheNewestRecordsAndSkipsTheRestForSlowGroups() {
        String topic = createTopic(TopicSpec.of(unique("ring")).maxBacklog(100).overflow(OverflowPolicy.DROP_OLDEST));
        // The group joins (position 0) and leaves; then 1,000 records arrive.
        StepVerifier.create(sluice.consumer(consumerOptions("ring", topic)).receive().take(Duration.ofMillis(50))).verifyComplete();
        produce(topic, 1_000, ProducerOptions.create());
        StepVerifier.create(sluice.admin().describeTopic(topic))
                .assertNext(t -> assertThat(t.partitions().get(0).startOffset()).isEqualTo(900))
                .verifyComplete();
        StepVerifier.create(sluice.consumer(consumerOptions("ring", topic)).receive().take(100))
                .assertNext(d -> assertThat(seq(d.record())).isEqualTo(900))
                .expectNextCount(98)
                .assertNext(d -> assertThat(seq(d.record())).isEqualTo(999))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(sluice.meterRegistry().get(io.sluice.metrics.SluiceMeters.RECORDS_DROPPED).tag("topic", topic).counter().count())
                .isEqualTo(900);
    }

    @Test
    void failRefusesSendsBeyondMaxBacklog() {
        String topic = createTopic(TopicSpec.of(unique("full")).maxBacklog(100).overflow(OverflowPolicy.FAIL));
        StepVerifier.create(sluice.consumer(consumerOptions("full", topic)).receive().take(Duration.ofMillis(50))).verifyComplete();
        // batches close only when full (100 records, maxBacklog) or at the end: 100 fit, the last 50 do not
        StepVerifier.create(sluice.producer(ProducerOptions.create().linger(Duration.ofHours(1))).send(Messages.sequence(topic, 150, null)))
                .thenConsumeWhile(r -> true)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TopicFullException.class)
                        .hasMessageContaining(topic + "-0").hasMessageContaining("maxBacklog 100"))
                .verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeTopic(topic))
                .assertNext(t -> assertThat(t.partitions().get(0).endOffset()).isEqualTo(100))
                .verifyComplete();
    }

    @Test
    void aTopicNoGroupHasJoinedHasNoBacklogUnderFailButDropOldestKeepsOnlyTheNewestMaxBacklogRecords() {
        Producer producer = sluice.producer(ProducerOptions.create());
        // FAIL, no group: 30 records into a topic of maxBacklog 10 are all appended
        String failing = createTopic(TopicSpec.of(unique("nobody")).maxBacklog(10).overflow(OverflowPolicy.FAIL));
        StepVerifier.create(producer.send(Messages.sequence(failing, 30, null)))
                .expectNextCount(30).expectComplete().verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeTopic(failing))
                .assertNext(t -> assertThat(t.partitions().get(0).retainedRecords()).isEqualTo(30))
                .verifyComplete();
        // DROP_OLDEST, no group: the partition keeps only the newest 10
        String ring = createTopic(TopicSpec.of(unique("ring")).maxBacklog(10).overflow(OverflowPolicy.DROP_OLDEST));
        StepVerifier.create(producer.send(Messages.sequence(ring, 30, null)))
                .expectNextCount(30).expectComplete().verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeTopic(ring))
                .assertNext(t -> {
                    assertThat(t.partitions().get(0).endOffset()).isEqualTo(30);
                    assertThat(t.partitions().get(0).startOffset()).isEqualTo(20);
                })
                .verifyComplete();
    }

    @Test
    void maxBacklogCountsEachPartitionOnItsOwn() {
        String topic = createTopic(TopicSpec.of(unique("halves")).partitions(2).maxBacklog(10).overflow(OverflowPolicy.FAIL));
        // a group joins (it counts from now on) and reads nothing
        StepVerifier.create(sluice.consumer(consumerOptions("idle", topic)).receive().take(Duration.ofMillis(50))).verifyComplete();
        Producer producer = sluice.producer(ProducerOptions.create());
        StepVerifier.create(producer.send(Messages.sequence(topic, 10, null).map(m -> m.withPartition(0))))
                .expectNextCount(10).expectComplete().verify(TIMEOUT);
        // partition 0 is full; partition 1 still takes its own 10 (20 in the topic, twice maxBacklog)
        StepVerifier.create(producer.send(Messages.sequence(topic, 10, null).map(m -> m.withPartition(1))))
                .expectNextCount(10).expectComplete().verify(TIMEOUT);
        StepVerifier.create(producer.send(Messages.sequence(topic, 1, null).map(m -> m.withPartition(0))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TopicFullException.class)
                        .hasMessageContaining(topic + "-0").hasMessageContaining("maxBacklog 10"))
                .verify(TIMEOUT);
        StepVerifier.create(producer.send(Messages.sequence(topic, 1, null).map(m -> m.withPartition(1))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TopicFullException.class)
                        .hasMessageContaining(topic + "-1").hasMessageContaining("maxBacklog 10"))
                .verify(TIMEOUT);
        StepVerifier.create(sluice.admin().describeTopic(topic))
                .assertNext(t -> {
                    assertThat(t.partitions().get(0).endOffset()).isEqualTo(10);
                    assertThat(t.partitions().get(1).endOffset()).isEqualTo(10);
                })
                .verifyComplete();
    }

    @Test
    void sendingToAnUnknownTopicFailsNamingItAndHowToCreateIt() {
        StepVerifier.create(sluice.producer(ProducerOptions.create()).send(OutboundMessage.of("no-such-topic", new byte[1])))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnknownTopicException.class)
                        .hasMessageStartingWith("unknown topic 'no-such-topic'")
                        .hasMessageEndingWith(": create it with admin().createTopic(TopicSpec.of(\"no-such-topic\"))"))
                .verify(TIMEOUT);
    }

    @Test
    void consumingAnUnknownTopicFailsNamingItAndHowToCreateIt() {
        StepVerifier.create(sluice.consumer(consumerOptions("g", "missing-topic")).receive())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnknownTopicException.class)
                        .hasMessageStartingWith("unknown topic 'missing-topic'")
                        .hasMessageEndingWith(": create it with admin().createTopic(TopicSpec.of(\"missing-topic\"))"))
                .verify(TIMEOUT);
    }

    @Test
    void adminCreatesDescribesListsAndDeletesTopics() {
        String topic = createTopic(TopicSpec.of(unique("admin")).partitions(3));
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of(topic)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TopicExistsException.class).hasMessageContaining(topic))
                .verify(TIMEOUT);
        produce(topic, 30, ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        StepVerifier.create(sluice.admin().describeTopic(topic))
                .assertNext(t -> {
                    assertThat(t.name()).isEqualTo(topic);
                    assertThat(t.partitions()).extracting(TopicDescription.PartitionInfo::endOffset).containsExactly(10L, 10L, 10L);
                })
                .verifyComplete();
        StepVerifier.create(sluice.admin().listTopics().filter(topic::equals)).expectNext(topic).verifyComplete();
        StepVerifier.create(sluice.admin().deleteTopic(topic)).verifyComplete();
        StepVerifier.create(sluice.admin().describeTopic(topic)).expectError(UnknownTopicException.class).verify(TIMEOUT);
        StepVerifier.create(sluice.admin().deleteTopic(topic)).expectError(UnknownTopicException.class).verify(TIMEOUT);
    }

    @Test
    void describeGroupReportsLagPerPartition() {
        String topic = createTopic(TopicSpec.of(unique("lag")).partitions(2));
        produce(topic, 100, ProducerOptions.create().partitioner(Partitioners.roundRobin()));
        StepVerifier.create(sluice.consumer(consumerOptions("lagging", topic)).receive().take(30)
                        .doOnNext(Delivery::ack).then(Mono.defer(() -> sluice.admin().describeGroup("lagging"))))
                .assertNext(g -> {
                    assertThat(g.partitions()).hasSize(2);
                    assertThat(g.totalLag()).isEqualTo(70);
                })
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(sluice.admin().listGroups().filter("lagging"::equals)).expectNext("lagging").verifyComplete();
    }
}
