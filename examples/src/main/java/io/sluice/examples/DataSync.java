package io.sluice.examples;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.UnknownGroupException;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import io.sluice.store.r2dbc.R2dbcStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps a database table in step with a durable topic, exactly once in effect, through a crash. Account changes
 * ({@code add -35}, {@code set 120}) go into a topic on an H2 file store; a consumer applies them to the table
 * {@code account(id, balance, last_offset)} with one {@code MERGE} each that skips a record at or below the row's last
 * applied offset. Halfway the application "crashes" after its table commit but before acknowledging that batch; it
 * restarts on the same files, the group resumes at its committed offsets, and the records delivered again are
 * recognised and skipped: at the end each balance is exactly what the changes add up to.
 */
@Command(name = "data-sync", mixinStandardHelpOptions = true,
        description = "A durable topic applied to a table with idempotent upserts through a crash and restart: nothing lost, nothing doubled.")
public final class DataSync extends Example {
    private static final String TOPIC = "accounts";
    private static final String GROUP = "account-sync";
    private static final int BATCH = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--records", converter = Positive.class, defaultValue = "50000", description = "account changes to produce (default: ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--keys", converter = Positive.class, defaultValue = "200", description = "accounts the changes are spread over (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--dir", description = "a new or empty directory for the store's and the table's H2 files"
            + " (default: a temporary directory, deleted at the end)")
    Path dir;

    @Override
    protected void run(Summary summary) throws Exception {
        if (records < 2) {
            throw badOption("--records must be at least 2 (the example stops halfway), was " + records);
        }
        Path home = dir == null ? Files.createTempDirectory("sluice-data-sync-") : emptyDirectory(dir);
        try {
            List<Change> changes = Change.random(records, keys, new Random(42));
            Map<String, Long> expected = Change.replay(changes);
            say("data-sync: %,d changes to %,d accounts, store and table in %s", records, expected.size(), home);

            Pass beforeCrash = new Pass(Set.of());
            try (Sluice sluice = startEngine(home); Table table = Table.open(home)) {
                produce(sluice, changes);
                applyUntilCrash(sluice, table, beforeCrash, records / 2);
            }
            say("2. crashed: %,d records applied, the last %,d of them committed in the table but never acknowledged",
                    beforeCrash.applied, beforeCrash.unacknowledged);

            Pass afterRestart = new Pass(beforeCrash.seen);
            Map<String, Long> balances;
            long behindAtEnd;
            try (Sluice sluice = startEngine(home); Table table = Table.open(home)) {
                applyToEnd(sluice, table, afterRestart);
                behindAtEnd = behind(endOffsets(sluice), committedOffsets(sluice));
                balances = table.balances().block(TIMEOUT);
            }
            say("4. the table has %,d rows; checking each balance against the changes produced", balances.size());
            long mismatches = compare(expected, balances);

            long applied = beforeCrash.applied + afterRestart.applied;
            summary.put("records", grouped(records))
                    .put("keys", grouped(expected.size()))
                    .put("applied before the crash", grouped(beforeCrash.applied))
                    .put("applied but not acknowledged", grouped(beforeCrash.unacknowledged))
                    .put("applied after the restart", grouped(afterRestart.applied))
                    .put("applied", grouped(applied))
                    .put("redelivered", grouped(afterRestart.redelivered))
                    .put("skipped as duplicates", grouped(afterRestart.skipped + beforeCrash.skipped))
                    .put("rows", grouped(balances.size()))
                    .put("balance mismatches", mismatches)
                    .put("uncommitted records at the end", behindAtEnd)
                    .check("rows == distinct keys", balances.size() == expected.size())
                    .check("balances match", mismatches == 0)
                    .check("no lost and no doubled effect", applied == records
                            && afterRestart.skipped + beforeCrash.skipped == beforeCrash.unacknowledged)
                    .check("redelivered after the restart", afterRestart.redelivered > 0)
                    .check("group committed every record", behindAtEnd == 0);
        } finally {
            if (dir == null) {
                deleteTree(home);
            }
        }
    }

    /**
     * What the application does at every start: opens the engine on its H2 file (records and committed positions
     * survive a restart there) and creates the topic unless it is there already.
     */
    private Sluice startEngine(Path home) {
        R2dbcStore store = R2dbcStore.h2File(home.resolve("sluice"));
        Sluice sluice = Sluice.embedded(EngineOptions.create().store(store)); // the store also keeps committed offsets
        try {
            sluice.admin().createTopic(TopicSpec.of(TOPIC).partitions(4)).block(TIMEOUT);
        } catch (TopicExistsException e) {
            // a restart: the engine recovered the topic, its records and the group's committed offsets from the file
        }
        return sluice;
    }

    /** 1. Every change, keyed by account (so an account's changes stay in one partition, in order), stored durably. */
    private void produce(Sluice sluice, List<Change> changes) {
        try (Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED).linger(Duration.ofMillis(2)))) {
            long sent = producer.send(Flux.fromIterable(changes)
                            .map(c -> OutboundMessage.of(TOPIC, c.account(), c.value(), null)))
                    .count().block(TIMEOUT);
            say("1. produced %,d changes, each acknowledged once stored in the H2 file", sent);
        }
    }

    /**
     * 2. Applies batches and acknowledges them until {@code crashAt} records are applied; the batch that gets there
     * is committed in the table and then, as if the process died right there, never acknowledged. Closing the engine
     * commits the group's position in each partition: the oldest record it has not acknowledged.
     */
    private void applyUntilCrash(Sluice sluice, Table table, Pass pass, long crashAt) {
        Consumer consumer = sluice.consumer(ConsumerOptions.create(GROUP).topics(TOPIC));
        applyInBatches(consumer, table, pass)
                .takeUntil(batch -> {
                    if (pass.applied >= crashAt) {
                        pass.unacknowledged = batch.size();
                        return true; // the crash: this batch is in the table, its acknowledgements never happen
                    }
                    batch.forEach(Delivery::ack);
                    return false;
                })
                .blockLast(TIMEOUT);
    }

    /**
     * 3. After the restart the group resumes at its committed offsets, so the batch applied before the crash comes
     * again and the table's offset check skips it. Runs until every partition's last record is applied and
     * acknowledged, then commits.
     */
    private void applyToEnd(Sluice sluice, Table table, Pass pass) {
        Map<Integer, Long> committed = committedOffsets(sluice);
        long[] ends = endOffsets(sluice);
        say("3. restarted on the same files: group '%s' resumes at committed offsets %s, %,d records behind",
                GROUP, committed, behind(ends, committed));
        committed.forEach((partition, offset) -> pass.lastOffset.put(partition, offset - 1));

        Consumer consumer = sluice.consumer(ConsumerOptions.create(GROUP).topics(TOPIC));
        applyInBatches(consumer, table, pass)
                .doOnNext(batch -> batch.forEach(Delivery::ack))
                .takeUntil(batch -> pass.reached(ends))
                .blockLast(TIMEOUT);
        consumer.commit().block(TIMEOUT);
        say("   applied %,d more records; %,d were delivered again, of which %,d had been applied and were skipped",
                pass.applied, pass.redelivered, pass.skipped);
    }

    /** The sync itself: deliveries in batches of up to {@value #BATCH}, each applied in one transaction, in order. */
    private static Flux<List<Delivery>> applyInBatches(Consumer consumer, Table table, Pass pass) {
        return consumer.receive()
                .doOnNext(pass::seen)
                .bufferTimeout(BATCH, Duration.ofMillis(50), true)
                .concatMap(batch -> table.apply(batch).doOnNext(pass::count).thenReturn(batch));
    }

    /** The group's committed offset (the next record it reads) per partition; partitions it never committed are absent. */
    private static Map<Integer, Long> committedOffsets(Sluice sluice) {
        Map<Integer, Long> committed = new TreeMap<>();
        sluice.admin().describeGroup(GROUP)
                .onErrorResume(UnknownGroupException.class, e -> Mono.empty()) // it never committed anything
                .blockOptional(TIMEOUT)
                .ifPresent(group -> group.partitions().forEach(p -> committed.put(p.partition().partition(), p.committedOffset())));
        return committed;
    }

    private static long[] endOffsets(Sluice sluice) {
        return sluice.admin().describeTopic(TOPIC).block(TIMEOUT).partitions().stream()
                .mapToLong(TopicDescription.PartitionInfo::endOffset).toArray();
    }

    /** Records of the topic past the group's committed offsets. */
    private static long behind(long[] ends, Map<Integer, Long> committed) {
        long behind = 0;
        for (int p = 0; p < ends.length; p++) {
            behind += ends[p] - committed.getOrDefault(p, 0L);
        }
        return behind;
    }

    /** Balances that differ from the changes' sum (or are missing), printing the first few of them. */
    private long compare(Map<String, Long> expected, Map<String, Long> balances) {
        long mismatches = 0;
        Set<String> accounts = new TreeSet<>(expected.keySet());
        accounts.addAll(balances.keySet());
        for (String account : accounts) {
            Long want = expected.get(account);
            Long got = balances.get(account);
            if (want == null || !want.equals(got)) {
                if (++mismatches <= 5) {
                    say("   %s: table %s, changes add up to %s", account, got, want);
                }
            }
        }
        expected.entrySet().stream().limit(3).forEach(e -> say("   %s: balance %,d (expected %,d)",
                e.getKey(), balances.get(e.getKey()), e.getValue()));
        return mismatches;
    }

    /** One account change; its record's key is the account and its value {@code "add -35"} or {@code "set 120"}. */
    record Change(String account, boolean set, long amount) {
        /** An account's first change sets its opening balance; the others add to it (so every duplicate would show). */
        static List<Change> random(int count, int keys, Random random) {
            List<Change> changes = new ArrayList<>(count);
            Set<String> opened = new HashSet<>();
            for (int i = 0; i < count; i++) {
                String account = String.format(Locale.ROOT, "acct-%04d", random.nextInt(keys));
                boolean set = opened.add(account);
                changes.add(new Change(account, set, set ? random.nextInt(1000) : random.nextInt(201) - 100));
            }
            return changes;
        }

        /** The balances the changes add up to, applied once each in order. */
        static Map<String, Long> replay(List<Change> changes) {
            Map<String, Long> balances = new TreeMap<>();
            for (Change c : changes) {
                balances.merge(c.account, c.amount, (old, amount) -> c.set ? amount : old + amount);
            }
            return balances;
        }

        byte[] value() {
            return ((set ? "set " : "add ") + amount).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** What one run of the application saw and did (each field touched by one stage of the pipeline at a time). */
    static final class Pass {
        final Set<Long> seenBefore;
        final Set<Long> seen = new HashSet<>();
        final Map<Integer, Long> lastOffset = new TreeMap<>();
        long applied;
        long skipped;
        long unacknowledged;
        long redelivered;

        /** @param seenBefore the records an earlier run saw, by partition and offset */
        Pass(Set<Long> seenBefore) {
            this.seenBefore = seenBefore;
        }

        void seen(Delivery d) {
            long id = (long) d.record().partition() << 40 | d.record().offset();
            seen.add(id);
            if (seenBefore.contains(id)) {
                redelivered++;
            }
        }

        void count(Table.Applied a) {
            applied += a.applied();
            skipped += a.skipped();
            a.lastOffsets().forEach((p, o) -> lastOffset.merge(p, o, Math::max));
        }

        /** True once the last record before {@code ends} of every partition is applied (or was committed before). */
        boolean reached(long[] ends) {
            for (int p = 0; p < ends.length; p++) {
                if (lastOffset.getOrDefault(p, -1L) < ends[p] - 1) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The application's table, in its own H2 file, through R2DBC. H2 embedded works on the calling thread, so every
     * call runs on {@code boundedElastic}, never on the engine's non-blocking delivery threads.
     */
    static final class Table implements AutoCloseable {
        /**
         * One change applied, unless the row has seen this record already: a row's {@code last_offset} is the offset of
         * the last record applied to it (an account's records all lie in one partition, in offset order), so a record
         * at or below it is a redelivery and changes nothing (0 rows updated).
         */
        private static final String MERGE = """
                MERGE INTO account a
                USING (VALUES (CAST($1 AS VARCHAR(64)), CAST($2 AS BOOLEAN), CAST($3 AS BIGINT), CAST($4 AS BIGINT)))
                    AS r(id, is_set, amount, record_offset)
                ON a.id = r.id
                WHEN MATCHED AND a.last_offset < r.record_offset THEN UPDATE SET
                    balance = CASE WHEN r.is_set THEN r.amount ELSE a.balance + r.amount END,
                    last_offset = r.record_offset
                WHEN NOT MATCHED THEN INSERT (id, balance, last_offset) VALUES (r.id, r.amount, r.record_offset)""";

        /** A batch's outcome: records that changed a row, records skipped, and the last offset seen per partition. */
        record Applied(long applied, long skipped, Map<Integer, Long> lastOffsets) {
        }

        private final Connection connection;

        private Table(Connection connection) {
            this.connection = connection;
        }

        static Table open(Path home) {
            String url = "r2dbc:h2:file:///" + home.resolve("accounts").toAbsolutePath();
            Connection connection = Mono.from(ConnectionFactories.get(url).create()).block(TIMEOUT);
            Table table = new Table(connection);
            Flux.from(connection.createStatement("CREATE TABLE IF NOT EXISTS account (id VARCHAR(64) PRIMARY KEY,"
                            + " balance BIGINT NOT NULL, last_offset BIGINT NOT NULL)").execute())
                    .flatMap(Result::getRowsUpdated).then().block(TIMEOUT);
            return table;
        }

        /** Applies a batch of deliveries in one transaction: one MERGE per record, in offset order. */
        Mono<Applied> apply(List<Delivery> batch) {
            return Mono.defer(() -> {
                Statement merge = connection.createStatement(MERGE);
                Map<Integer, Long> lastOffsets = new TreeMap<>();
                for (int i = 0; i < batch.size(); i++) {
                    Record r = batch.get(i).record();
                    String[] change = r.valueAsString().split(" ");
                    if (i > 0) {
                        merge.add();
                    }
                    merge.bind(0, r.keyAsString()).bind(1, change[0].equals("set"))
                            .bind(2, Long.parseLong(change[1])).bind(3, r.offset());
                    lastOffsets.merge(r.partition(), r.offset(), Math::max);
                }
                return Mono.from(connection.beginTransaction())
                        .thenMany(Flux.from(merge.execute()).concatMap(Result::getRowsUpdated))
                        .reduce(new long[2], (counts, rows) -> {
                            counts[rows > 0 ? 0 : 1]++;
                            return counts;
                        })
                        .flatMap(counts -> Mono.from(connection.commitTransaction())
                                .thenReturn(new Applied(counts[0], counts[1], lastOffsets)))
                        .onErrorResume(e -> Mono.from(connection.rollbackTransaction()).then(Mono.error(e)));
            }).subscribeOn(Schedulers.boundedElastic());
        }

        /** Every row's balance, by account. */
        Mono<Map<String, Long>> balances() {
            return Flux.from(connection.createStatement("SELECT id, balance FROM account").execute())
                    .flatMap(result -> result.map((row, meta) -> Map.entry(row.get(0, String.class), row.get(1, Long.class))))
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
                    .subscribeOn(Schedulers.boundedElastic());
        }

        @Override
        public void close() {
            Mono.from(connection.close()).block(TIMEOUT);
        }
    }

    private Path emptyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw badOption("--dir " + dir + " is not empty: data-sync starts from a new or empty directory");
            }
        }
        return dir;
    }
}
