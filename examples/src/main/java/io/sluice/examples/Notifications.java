package io.sluice.examples;

import io.sluice.Sluice;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicDescription.PartitionInfo;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.consumer.StartPosition;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.reactivestreams.Publisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fan-out with a slow subscriber: one topic, {@code notifications}, read by three consumer groups, each at its own pace:
 * push (at once), email (a few milliseconds a record, many at a time) and audit (slow, one at a time). Every group sees
 * every record, and the slow one holds back nobody: the topic has a {@code maxBacklog} with
 * {@link OverflowPolicy#DROP_OLDEST}, so once audit is that far behind in a partition its oldest records are dropped
 * (the engine counts them; audit sees gaps in the offsets) while the producer and the fast groups keep full speed. Under the default,
 * {@link OverflowPolicy#BACKPRESSURE}, the producer would wait for audit instead, and every group would go at its pace.
 *
 * <p>A fourth group, dashboard, joins halfway through with {@link StartPosition#latest()}: a group with no committed
 * offset starts at the end of each partition, so it gets no history, only the notifications produced after it joined
 * (under the default, {@link StartPosition#earliest()}, it would start with everything the topic still holds).
 */
@Command(name = "notifications", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fan-out to three groups; DROP_OLDEST keeps the slow one from holding back the fast ones;"
                + " a fourth joins halfway at latest.")
public final class Notifications extends Example {
    static final String TOPIC = "notifications";
    static final int PARTITIONS = 4;
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    @Option(names = "--seconds", converter = Positive.class, description = "How long to produce (default: ${DEFAULT-VALUE}).")
    int seconds = 10;

    @Option(names = "--rate", converter = Positive.class, description = "Notifications produced a second (default: ${DEFAULT-VALUE}).")
    int rate = 2000;

    @Option(names = "--max-backlog", converter = Positive.class, description = "Records per partition the slowest group may be behind before its"
            + " oldest are dropped (default: ${DEFAULT-VALUE}).")
    int maxBacklog = 2000;

    @Option(names = "--audit-rate", converter = Positive.class, description = "Records a second the audit group handles at most (default: ${DEFAULT-VALUE}).")
    int auditRate = 200;

    @Override
    protected void run(Summary summary) {
        try (Sluice sluice = Sluice.embedded()) {
            // 1. The topic: a slow group may fall at most maxBacklog records behind per partition, then loses its oldest.
            sluice.admin().createTopic(TopicSpec.of(TOPIC).partitions(PARTITIONS)
                    .maxBacklog(maxBacklog).overflow(OverflowPolicy.DROP_OLDEST)).block();
            say("topic %s: %d partitions, maxBacklog %,d per partition, overflow DROP_OLDEST", TOPIC, PARTITIONS, maxBacklog);
            say("(with BACKPRESSURE instead, the producer would wait once audit is %,d behind in a partition,"
                    + " and push and email would get no more than audit handles)", maxBacklog);

            // 2. Three groups, each reading every notification at its own speed.
            Duration auditTime = Duration.ofMillis(Math.max(1, 1000 / auditRate));
            List<Group> groups = List.of(
                    new Group("push", 1, Ordering.PER_PARTITION, record -> Mono.empty()),
                    new Group("email", 16, Ordering.PER_KEY, record -> Mono.delay(Duration.ofMillis(2))),
                    new Group("audit", 1, Ordering.PER_PARTITION, record -> Mono.delay(auditTime)));
            say("push handles a record at once; email takes 2 ms, 16 at a time; audit takes %d ms, one at a time",
                    auditTime.toMillis());
            List<Disposable> running = new ArrayList<>(groups.stream().map(g -> g.start(sluice)).toList());

            // 2a. A fourth group that joins halfway, at the end of each partition: no history, only what comes next.
            Group dashboard = new Group("dashboard", 1, Ordering.PER_PARTITION, record -> Mono.empty(), StartPosition.latest());
            List<Group> all = List.of(groups.get(0), groups.get(1), groups.get(2), dashboard);
            int joinAfter = Math.max(1, seconds / 2);
            say("dashboard handles a record at once; it joins after %d s with startPosition latest, so it gets no history",
                    joinAfter);
            Map<Integer, Long> endsAtJoin = new HashMap<>();

            // 3. The producer: a steady rate for the given seconds, in the background.
            say("producing %,d notifications a second for %d s", rate, seconds);
            Producer producer = sluice.producer(ProducerOptions.create());
            CompletableFuture<Long> produced = producer.send(notifications()).count().toFuture();

            // 4. Once a second: each group's rate and lag (end offsets minus committed offsets), and what the topic holds.
            say("(lag: end offsets minus committed offsets; audit's passes what the topic holds, as it has not yet skipped"
                    + " the records dropped in the partitions it is not reading now)");
            Map<String, Long> maxLag = new HashMap<>();
            Map<String, Long> receivedBefore = new HashMap<>();
            for (long second : Flux.interval(Duration.ofSeconds(1)).take(seconds).toIterable()) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%3d s", second + 1));
                for (Group g : all) {
                    if (g == dashboard && endsAtJoin.isEmpty()) {
                        line.append(String.format(Locale.ROOT, " | %s %6s/s lag %6s", g.name, "-", "-"));
                        continue;
                    }
                    long lag = sluice.admin().describeGroup(g.name).block().totalLag();
                    long received = g.received();
                    maxLag.merge(g.name, lag, Math::max);
                    line.append(String.format(Locale.ROOT, " | %s %,6d/s lag %,6d", g.name,
                            received - receivedBefore.getOrDefault(g.name, 0L), lag));
                    receivedBefore.put(g.name, received);
                }
                long held = sluice.admin().describeTopic(TOPIC).block().partitions().stream()
                        .mapToLong(PartitionInfo::retainedRecords).sum();
                say("%s | topic holds %,d", line, held);
                if (second + 1 == joinAfter) {
                    // 4a. Halfway: the end offsets just before dashboard joins; with latest it starts at or after them.
                    endsAtJoin.putAll(endOffsets(sluice));
                    running.add(dashboard.start(sluice));
                    say("dashboard joins; the end offsets were %s", endsAtJoin);
                }
            }
            long total = produced.join();
            producer.close();
            Map<Integer, Long> endsAtEnd = endOffsets(sluice);

            // 5. Give the fast groups a moment (at most 5 s) to take what was produced in the last second.
            Group push = groups.get(0);
            Group email = groups.get(1);
            Group audit = groups.get(2);
            awaitUntil(() -> push.received() >= total && email.received() >= total
                    && dashboard.gotEverythingAfter(endsAtJoin, endsAtEnd), Duration.ofSeconds(5));
            running.forEach(Disposable::dispose);

            // 6. What each group got, and what the topic dropped: the engine counts the records that went before the
            //    slowest group acknowledged them (audit sees them as gaps once it reads that far).
            long fastLagBound = 2L * rate;
            long dropped = (long) sluice.meterRegistry().get(SluiceMeters.RECORDS_DROPPED)
                    .tag(SluiceMeters.TAG_TOPIC, TOPIC).counter().count();
            summary.put("produced", total)
                    .put("dropped by the topic", dropped)
                    .put("fast groups' lag bound", fastLagBound + " (two seconds of notifications)");
            for (Group g : groups) {
                summary.put(g.name + " received", g.received())
                        .put(g.name + " rate", g.received() / seconds + "/s")
                        .put(g.name + " max lag", maxLag.get(g.name))
                        .put(g.name + " gaps", g.gaps());
            }
            summary.put("produced before dashboard joined", endsAtJoin.values().stream().mapToLong(Long::longValue).sum())
                    .put("dashboard received", dashboard.received())
                    .put("dashboard max lag", maxLag.getOrDefault(dashboard.name, 0L))
                    .put("dashboard gaps", dashboard.gaps());
            summary.check("push and email got every notification",
                            push.received() == total && email.received() == total && push.gaps() + email.gaps() == 0)
                    .check("push and email lag stayed below the bound",
                            maxLag.get(push.name) < fastLagBound && maxLag.get(email.name) < fastLagBound)
                    .check("audit lagged and lost its oldest", maxLag.get(audit.name) >= fastLagBound && dropped > 0)
                    .check("dashboard started at or after each partition's end offset when it joined (no history)",
                            dashboard.startedAtOrAfter(endsAtJoin))
                    .check("dashboard got every notification produced after it joined",
                            dashboard.gotEverythingAfter(endsAtJoin, endsAtEnd))
                    .check("no group received a notification twice", all.stream().allMatch(g -> g.duplicates() == 0));
        }
    }

    /** Each partition's end offset: the offset the next notification appended to it will get. */
    private static Map<Integer, Long> endOffsets(Sluice sluice) {
        return sluice.admin().describeTopic(TOPIC).block().partitions().stream()
                .collect(Collectors.toMap(PartitionInfo::partition, PartitionInfo::endOffset, (a, b) -> a, TreeMap::new));
    }

    /** {@code rate} a second for {@code seconds}: every 10 ms, the notifications due by then. */
    private Publisher<OutboundMessage<Void>> notifications() {
        return Flux.interval(Duration.ofMillis(10))
                .take(seconds * 100L)
                .concatMapIterable(this::dueAt);
    }

    private List<OutboundMessage<Void>> dueAt(long tick) {
        int from = (int) (tick * rate / 100);
        int to = (int) ((tick + 1) * rate / 100);
        return IntStream.range(from, to).mapToObj(this::notification).toList();
    }

    private OutboundMessage<Void> notification(int i) {
        byte[] value = ("notification " + i).getBytes(StandardCharsets.UTF_8);
        return OutboundMessage.of(TOPIC, "user-" + i % 100, value, null);
    }

    /**
     * A consumer group and what it received: per partition the offsets seen, so that a gap (a dropped record) and a
     * record seen twice both show.
     */
    static final class Group {
        final String name;
        private final int concurrency;
        private final Ordering ordering;
        private final Function<Record, Mono<?>> work;
        private final StartPosition startPosition;
        private final Map<Integer, BitSet> seen = new HashMap<>();
        private long received;
        private long duplicates;

        Group(String name, int concurrency, Ordering ordering, Function<Record, Mono<?>> work) {
            this(name, concurrency, ordering, work, StartPosition.earliest());
        }

        /** A group that, having no committed offset, starts at {@code startPosition} (the default is earliest). */
        Group(String name, int concurrency, Ordering ordering, Function<Record, Mono<?>> work, StartPosition startPosition) {
            this.name = name;
            this.concurrency = concurrency;
            this.ordering = ordering;
            this.work = work;
            this.startPosition = startPosition;
        }

        /**
         * Joins the group and handles every record. Commits every 100 ms, so that its lag (end offset minus committed
         * offset) is current; reads ahead only a little, as a record read ahead is no longer dropped, only late.
         */
        Disposable start(Sluice sluice) {
            return sluice.consumer(ConsumerOptions.create(name).topics(TOPIC)
                            .concurrency(concurrency).ordering(ordering)
                            .startPosition(startPosition)
                            .prefetch(64).keyBacklog(64)
                            .commitInterval(COMMIT_INTERVAL))
                    .process(record -> {
                        saw(record);
                        return work.apply(record);
                    })
                    .subscribe();
        }

        private synchronized void saw(Record record) {
            BitSet offsets = seen.computeIfAbsent(record.partition(), p -> new BitSet());
            if (offsets.get((int) record.offset())) {
                duplicates++;
            }
            offsets.set((int) record.offset());
            received++;
        }

        synchronized long received() {
            return received;
        }

        synchronized long duplicates() {
            return duplicates;
        }

        /** Offsets between the first and the newest received that never came (dropped by the topic). */
        synchronized long gaps() {
            return seen.values().stream()
                    .mapToLong(offsets -> offsets.length() - offsets.nextSetBit(0) - offsets.cardinality()).sum();
        }

        /** True when, in every partition, the first offset received is at or after {@code ends}' offset there. */
        synchronized boolean startedAtOrAfter(Map<Integer, Long> ends) {
            return seen.entrySet().stream().allMatch(e -> e.getValue().nextSetBit(0) >= ends.getOrDefault(e.getKey(), 0L));
        }

        /**
         * True when, in every partition, this group received every offset from its first up to the last before
         * {@code endsAtEnd}, or nothing when nothing was appended after {@code endsAtJoin}.
         */
        synchronized boolean gotEverythingAfter(Map<Integer, Long> endsAtJoin, Map<Integer, Long> endsAtEnd) {
            return endsAtEnd.entrySet().stream().allMatch(e -> {
                BitSet offsets = seen.get(e.getKey());
                if (offsets == null) {
                    return e.getValue().equals(endsAtJoin.getOrDefault(e.getKey(), 0L));
                }
                int first = offsets.nextSetBit(0);
                return offsets.length() == e.getValue() && offsets.cardinality() == offsets.length() - first;
            });
        }
    }
}
