package io.sluice.node;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.Record;
import io.sluice.record.TopicPartition;
import io.sluice.testing.Messages;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The durable node's promise, kill -9 included: the node program ({@link SluiceNode#main}) runs in a child JVM on
 * {@code --store h2:<dir>}; over TCP a producer sends with {@code Acks.STORED}, and a member of group {@code billing}
 * acknowledges and commits {@link #COMMITTED} deliveries, then acknowledges {@link #UNCOMMITTED} more without
 * committing. The node is killed with SIGKILL while the producer is still sending, and started again on the same
 * store and port. Then every acknowledged record is in the log at its acknowledged partition and offset with its
 * exact key and value, every sequence number in the log is there once (offsets dense from 0), the group's committed
 * positions are at least those committed before the kill, and the same member, reconnected, resumes at exactly the
 * committed positions: the records it acknowledged without committing are delivered again.
 */
class NodeKillTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 4;
    private static final String GROUP = "billing";
    /** Records sent before the member's part is done; the producer then goes on, unbounded, until the kill. */
    private static final int FIRST = 10_000;
    /** The node is killed once this many sends are acknowledged. */
    private static final int ACKED = 20_000;
    /** The producer's records unacknowledged at most: bounds how far it runs past {@link #ACKED} before the kill. */
    private static final int MAX_PENDING = 4_096;
    private static final int COMMITTED = 3_000;
    private static final int UNCOMMITTED = 500;
    private static final int VALUE_SIZE = 24;
    /** What {@code Process.exitValue()} reports for a process killed by signal 9. */
    private static final int KILLED_BY_SIGKILL = 128 + 9;
    private static final Pattern LISTENING = Pattern.compile("^sluice-node listening on (\\S+):(\\d+) ");

    @TempDir
    Path tmp;

    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void killNodes() throws InterruptedException {
        for (Process node : nodes) {
            node.destroyForcibly();
            node.waitFor(30, SECONDS);
        }
    }

    @Test
    void acknowledgedRecordsAndCommittedPositionsSurviveAKill9OfTheNode() throws Exception {
        Path dir = tmp.resolve("data");
        int port = startNode(dir, 0, "node-1.log");
        ClientOptions options = ClientOptions.create().address("127.0.0.1", port);

        Map<Long, SendResult<Long>> acked = new ConcurrentHashMap<>(); // by sequence number
        Map<TopicPartition, Long> committedBefore;
        List<Delivery> uncommitted;
        try (NettySluice producerClient = NettySluice.connect(options.clientId("kill-producer"));
             NettySluice memberClient = NettySluice.connect(options.clientId("kill-member"))) {
            StepVerifier.create(producerClient.admin().createTopic(TopicSpec.of(TOPIC).partitions(PARTITIONS))).verifyComplete();

            // the producer: FIRST records, then (once the member's part is done) on and on until the kill
            Sinks.Empty<Void> memberDone = Sinks.empty();
            Sinks.Empty<Void> enoughAcked = Sinks.empty();
            AtomicInteger acks = new AtomicInteger();
            AtomicLong handedToProducer = new AtomicLong();
            Flux<OutboundMessage<Long>> messages = Flux.range(0, FIRST)
                    .concatWith(Flux.range(FIRST, Integer.MAX_VALUE - FIRST).delaySubscription(memberDone.asMono()))
                    .doOnNext(i -> handedToProducer.incrementAndGet())
                    .map(i -> OutboundMessage.of(TOPIC, key(i), Messages.value(i, VALUE_SIZE), (long) i));
            Mono<Void> sending = producerClient.producer(ProducerOptions.create().acks(Acks.STORED).maxPending(MAX_PENDING)).send(messages)
                    .doOnNext(r -> {
                        acked.put(r.correlation(), r);
                        if (acks.incrementAndGet() == ACKED) {
                            enoughAcked.tryEmitEmpty();
                        }
                    })
                    .then()
                    .cache();
            sending.subscribe(null, e -> { });

            // the member: commits COMMITTED deliveries, then acknowledges UNCOMMITTED more and does not commit them
            Consumer billing = memberClient.consumer(ConsumerOptions.create(GROUP).topics(TOPIC).commitInterval(Duration.ZERO));
            Member member = new Member();
            billing.receive().subscribe(member);
            List<Delivery> committed = member.take(COMMITTED);
            committed.forEach(Delivery::ack);
            billing.commit().block(TIMEOUT);
            committedBefore = committedOffsets(memberClient.admin().describeGroup(GROUP).block(TIMEOUT));
            Map<TopicPartition, Long> nextOffsets = new HashMap<>();
            committed.forEach(d -> nextOffsets.merge(d.record().topicPartition(), d.record().offset() + 1, Math::max));
            assertThat(committedBefore).as("positions committed by commit()").containsAllEntriesOf(nextOffsets);
            uncommitted = member.take(UNCOMMITTED);
            uncommitted.forEach(Delivery::ack);
            assertThat(committedOffsets(memberClient.admin().describeGroup(GROUP).block(TIMEOUT)))
                    .as("acknowledging alone commits nothing").isEqualTo(committedBefore);
            memberDone.tryEmitEmpty();

            // kill -9 while the producer is sending: only the sends acknowledged so far are promised
            enoughAcked.asMono().block(TIMEOUT);
            Process first = nodes.get(0);
            first.destroyForcibly();
            assertThat(first.waitFor(30, SECONDS)).as("the node died").isTrue();
            assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(KILLED_BY_SIGKILL);
            producerClient.close(); // its sends waiting for the node fail: nothing is sent again to the restarted node
            StepVerifier.create(sending).expectError().verify(TIMEOUT);
            assertThat(acked).hasSize(acks.get()).hasSizeGreaterThanOrEqualTo(ACKED);
            assertThat(handedToProducer.get()).as("records given to the producer").isGreaterThan(acks.get());

            // the same store and port; the member's client reconnects on its own
            assertThat(startNode(dir, port, "node-2.log")).isEqualTo(port);
            Map<TopicPartition, Long> ends = new HashMap<>();
            Map<TopicPartition, Long> committedAfter;
            try (NettySluice checker = NettySluice.connect(options.clientId("kill-checker"))) {
                TopicDescription orders = checker.admin().describeTopic(TOPIC).block(TIMEOUT);
                assertThat(orders).isNotNull();
                assertThat(orders.partitions()).hasSize(PARTITIONS);
                for (TopicDescription.PartitionInfo p : orders.partitions()) {
                    assertThat(p.startOffset()).isZero();
                    ends.put(new TopicPartition(TOPIC, p.partition()), p.endOffset());
                }
                long total = ends.values().stream().mapToLong(Long::longValue).sum();

                committedAfter = committedOffsets(checker.admin().describeGroup(GROUP).block(TIMEOUT));
                committedBefore.forEach((tp, offset) ->
                        assertThat(committedAfter.get(tp)).as("committed position of %s", tp).isNotNull().isGreaterThanOrEqualTo(offset));

                // the whole log, read by a new group from the earliest offsets: every sequence number once, offsets dense
                Map<Long, long[]> stored = new HashMap<>(); // sequence number -> partition, offset
                Map<Integer, Long> nextOffset = new HashMap<>();
                List<String> wrong = new ArrayList<>(); // plain checks per record, one assertion for them all
                StepVerifier.create(checker.consumer(ConsumerOptions.create("kill-audit").topics(TOPIC)).receiveAutoAck().take(total))
                        .thenConsumeWhile(r -> {
                            long seq = Messages.seq(r);
                            long expected = nextOffset.getOrDefault(r.partition(), 0L);
                            if (r.offset() != expected) {
                                wrong.add(r + ": offset " + expected + " expected (dense offsets)");
                            }
                            nextOffset.put(r.partition(), r.offset() + 1);
                            if (!key(seq).equals(r.keyAsString()) || !Arrays.equals(r.value(), Messages.value(seq, VALUE_SIZE))) {
                                wrong.add(r + ": not the key and value sent as record " + seq);
                            }
                            if (stored.put(seq, new long[] {r.partition(), r.offset()}) != null) {
                                wrong.add(r + ": record " + seq + " stored twice");
                            }
                            return true;
                        })
                        .expectComplete()
                        .verify(TIMEOUT);
                assertThat(wrong).as("records in the log").isEmpty();
                for (SendResult<Long> a : acked.values()) {
                    long[] at = stored.get(a.correlation());
                    if (at == null || at[0] != a.partition() || at[1] != a.offset()) {
                        wrong.add(a + ": acknowledged, " + (at == null ? "not in the log" : "in the log at " + Arrays.toString(at)));
                    }
                }
                assertThat(wrong).as("acknowledged records").isEmpty();
                System.out.printf("NodeKillTest: %,d sends acknowledged before the kill, %,d records in the log after it"
                                + " (%,d given to the producer); %s committed, %s after the restart%n",
                        acked.size(), total, handedToProducer.get(), committedBefore, committedAfter);
            }

            // the member resumes at exactly the committed positions: what it acknowledged without committing comes again
            Flux.interval(Duration.ofMillis(50)).filter(t -> memberClient.connections() >= 2).next().block(TIMEOUT);
            Map<TopicPartition, Long> resume = new HashMap<>();
            ends.keySet().forEach(tp -> resume.put(tp, committedAfter.getOrDefault(tp, 0L)));
            Set<TopicPartition> behind = new HashSet<>(); // partitions with records after the group's position
            resume.forEach((tp, offset) -> {
                if (offset < ends.get(tp)) {
                    behind.add(tp);
                }
            });
            assertThat(behind).as("partitions with records after the group's committed position").isNotEmpty();
            Map<TopicPartition, TreeMap<Long, Long>> again = new HashMap<>(); // partition -> offset -> sequence number
            Set<TopicPartition> caughtUp = new HashSet<>();
            member.request(Long.MAX_VALUE);
            member.deliveries()
                    .doOnNext(d -> {
                        Record r = d.record();
                        again.computeIfAbsent(r.topicPartition(), k -> new TreeMap<>()).put(r.offset(), Messages.seq(r));
                        if (r.offset() == ends.get(r.topicPartition()) - 1) {
                            caughtUp.add(r.topicPartition());
                        }
                    })
                    .takeUntil(d -> caughtUp.containsAll(behind))
                    .then()
                    .block(TIMEOUT);
            assertThat(again.keySet()).as("partitions delivered again").isEqualTo(behind);
            for (TopicPartition tp : behind) {
                TreeMap<Long, Long> offsets = again.get(tp);
                assertThat(offsets.firstKey()).as("first offset of %s delivered after the restart", tp).isEqualTo(resume.get(tp));
                assertThat(offsets).as("offsets of %s delivered after the restart", tp).hasSize((int) (ends.get(tp) - resume.get(tp)));
            }
            for (Delivery d : uncommitted) {
                Record r = d.record();
                assertThat(again.getOrDefault(r.topicPartition(), new TreeMap<>()).get(r.offset()))
                        .as("acknowledged, not committed, delivered again: %s", r).isEqualTo(Messages.seq(r));
            }
        }
    }

    private static String key(long seq) {
        return "key-" + seq % 1_000;
    }

    private static Map<TopicPartition, Long> committedOffsets(GroupDescription group) {
        assertThat(group).isNotNull();
        Map<TopicPartition, Long> offsets = new HashMap<>();
        group.partitions().forEach(p -> offsets.put(p.partition(), p.committedOffset()));
        return offsets;
    }

    /**
     * Starts the node program in a child JVM on the H2 store in {@code dir}, its standard error in {@code logName};
     * returns the port it listens on, read from the line it prints once up.
     */
    private int startNode(Path dir, int port, String logName) throws IOException {
        Path log = tmp.resolve(logName);
        // C1 only: the node starts sooner on a busy machine, and this test needs no peak throughput
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SluiceNode.class.getName(), "--port", Integer.toString(port), "--store", "h2:" + dir);
        Process node = new ProcessBuilder(command).redirectError(log.toFile()).start();
        nodes.add(node);
        // read on a thread that may block; a node that does not come up in time is killed in killNodes()
        String line = Mono.fromCallable(() -> listeningLine(node)).subscribeOn(Schedulers.boundedElastic()).block(TIMEOUT);
        Matcher m = LISTENING.matcher(line == null ? "" : line);
        assertThat(m.find()).as("the node started: %s%nits standard error:%n%s", line, Files.readString(log)).isTrue();
        return Integer.parseInt(m.group(2));
    }

    /** The {@code sluice-node listening on ...} line, or what became of the node when it ended without one. */
    private static String listeningLine(Process node) throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("sluice-node listening on ")) {
                return line;
            }
        }
        return "no listening line; the node exited with " + node.waitFor();
    }

    /**
     * A group member whose demand the test sets: it receives exactly the deliveries requested, which the test then
     * takes on its own thread (nothing blocks the connection's event loop, where deliveries arrive).
     */
    private static final class Member extends BaseSubscriber<Delivery> {
        private final Sinks.Many<Delivery> received = Sinks.many().replay().all();
        private long taken;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no demand until take() or request()
        }

        @Override
        protected void hookOnNext(Delivery d) {
            received.tryEmitNext(d).orThrow();
        }

        @Override
        protected void hookOnError(Throwable e) {
            received.tryEmitError(e);
        }

        @Override
        protected void hookOnComplete() {
            received.tryEmitComplete();
        }

        /** Requests {@code n} more deliveries and waits for them. */
        List<Delivery> take(int n) {
            request(n);
            List<Delivery> next = received.asFlux().skip(taken).take(n).collectList().block(TIMEOUT);
            taken += n;
            return next;
        }

        /** The deliveries after those taken so far (to request yourself). */
        Flux<Delivery> deliveries() {
            return received.asFlux().skip(taken);
        }
    }
}
