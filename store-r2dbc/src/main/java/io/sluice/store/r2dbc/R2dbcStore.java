package io.sluice.store.r2dbc;

import java.util.concurrent.atomic.AtomicLong;
import reactor.util.Logger;
import reactor.util.Loggers;
import io.r2dbc.h2.H2ConnectionConfiguration;
import io.r2dbc.h2.H2ConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.Statement;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.CorruptRecordException;
import io.sluice.errors.SluiceException;
import io.sluice.errors.TopicExistsException;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetRange;
import io.sluice.log.OffsetStore;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import io.sluice.store.r2dbc.internal.Dialect;
import io.sluice.store.r2dbc.internal.GroupCommitWriter;
import io.sluice.store.r2dbc.internal.Schema;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The durable {@link LogStore} and {@link OffsetStore}: one row per record batch (its bytes exactly as the codec
 * made them), topics and committed offsets in tables of their own, on H2 embedded or PostgreSQL through R2DBC.
 * Writes go through one connection with group commit: appends arriving while a transaction is in flight are
 * stored together in the next one, strictly in arrival order, and each append's Mono completes once the
 * transaction holding it has committed. Reads stream from a connection pool and verify every batch's CRC.
 *
 * <pre>{@code
 * try (R2dbcStore store = R2dbcStore.h2File(Path.of("data/sluice"))) { ... }
 * }</pre>
 *
 * <p>The factories open the store (creating or checking its schema) and wait for it on the calling thread: call
 * them at start-up, not on a non-blocking thread. The same object serves as both stores; its
 * {@link #deleteTopic} forgets the topic's batches, spec and committed offsets at once. What each database
 * survives (process crash, power loss) is in this module's README.
 *
 * <p>One piece (over 400 lines) on purpose: each SPI method sits beside the SQL it runs, so that what a store
 * operation does to the tables reads in one place; the group-commit writer, the schema and the SQL dialects are
 * already their own classes in {@code internal}.
 */
public final class R2dbcStore implements LogStore, OffsetStore {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final int CLOSE_TIMEOUT_S = 30;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(CLOSE_TIMEOUT_S);
    private static final AtomicInteger MEMORY_IDS = new AtomicInteger();

    private final Dialect dialect;
    private final String description;
    private final boolean durable;
    private final ConnectionPool pool;
    /**
     * At most one VACUUM of the batch table per this many nanoseconds (PostgreSQL). Dead rows pile up at the write rate
     * times this interval: at 5 s and ~150,000 records/s (fuller batches since the producer keeps filling them while
     * its window is full) the table reached 178 MB in PostgresRetentionIT, where the retained records take ~65 MB.
     */
    private static final long VACUUM_INTERVAL_NANOS = 1_000_000_000L;
    private static final Logger LOG = Loggers.getLogger(R2dbcStore.class);
    private final AtomicLong lastVacuum = new AtomicLong(System.nanoTime() - VACUUM_INTERVAL_NANOS);
    /** H2: a {@link #checkpoint()} (compaction) after every this many bytes appended. */
    private static final long CHECKPOINT_BYTES = 4L * 1024 * 1024;
    private final AtomicLong bytesSinceCheckpoint = new AtomicLong();
    private final Scheduler scheduler;
    private final GroupCommitWriter writer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private R2dbcStore(Dialect dialect, String description, boolean durable, ConnectionPool pool, Scheduler scheduler) {
        this.dialect = dialect;
        this.description = description;
        this.durable = durable;
        this.pool = pool;
        this.scheduler = scheduler;
        // 4096 rows or ~16 MiB per transaction: a group large enough for ~20k batches/s, small enough to commit fast.
        this.writer = new GroupCommitWriter(() -> Mono.from(pool.create()), scheduler, 4096, 16L * 1024 * 1024);
    }

    /**
     * The default durable store: an H2 database in the file {@code file} + {@code .mv.db} (a trailing {@code .mv.db}
     * in {@code file} is accepted), created if missing. Every commit is written to the file before the append
     * completes, so a process crash loses no acknowledged batch.
     */
    public static R2dbcStore h2File(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        String base = file.toAbsolutePath().toString();
        if (base.endsWith(".mv.db")) {
            base = base.substring(0, base.length() - ".mv.db".length());
        }
        H2ConnectionConfiguration.Builder config = H2ConnectionConfiguration.builder().file(base).username("sa");
        H2Settings.FILE.forEach(config::property);
        return open(Dialect.H2, new H2ConnectionFactory(config.build()), "H2 file " + base + ".mv.db", true);
    }

    /**
     * An H2 database in this process's memory, for tests: it stores batches as {@link #h2File} does (so
     * {@link #durable()} is true and the engine sends appends here) but survives no process exit, and is gone
     * once closed.
     */
    public static R2dbcStore h2Memory() {
        String name = "sluice-" + MEMORY_IDS.incrementAndGet();
        H2ConnectionConfiguration.Builder config = H2ConnectionConfiguration.builder().inMemory(name).username("sa");
        return open(Dialect.H2, new H2ConnectionFactory(config.build()), "H2 memory " + name, true);
    }

    /**
     * PostgreSQL at an R2DBC URL such as {@code r2dbc:postgresql://user:password@host:5432/database?schema=sluice},
     * pooled with r2dbc-pool. The tables go into the connection's schema (the {@code schema} option, else the
     * search path). Errors name the host, port and database, never the password.
     */
    public static R2dbcStore postgres(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url must not be blank");
        }
        ConnectionFactoryOptions options;
        try {
            options = ConnectionFactoryOptions.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an R2DBC URL (r2dbc:postgresql://host:port/database): " + redact(url), e);
        }
        String where = "PostgreSQL at " + options.getValue(ConnectionFactoryOptions.HOST) + ":"
                + (options.hasOption(ConnectionFactoryOptions.PORT) ? options.getValue(ConnectionFactoryOptions.PORT) : 5432)
                + "/" + options.getValue(ConnectionFactoryOptions.DATABASE);
        if (!options.hasOption(ConnectionFactoryOptions.CONNECT_TIMEOUT)) {
            options = options.mutate().option(ConnectionFactoryOptions.CONNECT_TIMEOUT, Duration.ofSeconds(10)).build();
        }
        ConnectionFactory factory;
        try {
            factory = ConnectionFactories.get(options);
        } catch (RuntimeException e) {
            throw new SluiceException("cannot open the store (" + where + "): " + e.getMessage(), e);
        }
        return open(Dialect.POSTGRESQL, factory, where, true);
    }

    /**
     * PostgreSQL through {@code factory}: used as is when it is an r2dbc-pool {@link ConnectionPool} (of at least 2
     * connections: the writer keeps one), else pooled here.
     */
    public static R2dbcStore postgres(ConnectionFactory factory) {
        if (factory == null) {
            throw new IllegalArgumentException("factory must not be null");
        }
        return open(Dialect.POSTGRESQL, factory, "PostgreSQL (" + factory.getMetadata().getName() + " connection factory)", true);
    }

    private static R2dbcStore open(Dialect dialect, ConnectionFactory factory, String where, boolean durable) {
        if (dialect == Dialect.POSTGRESQL) {
            initializeSocketClasses();
        }
        ConnectionPool pool = factory instanceof ConnectionPool p ? p
                : new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(1).maxSize(6)
                        .maxAcquireTime(OPEN_TIMEOUT).build());
        Scheduler scheduler = dialect.blocking()
                ? Schedulers.newBoundedElastic(4, Integer.MAX_VALUE, "sluice-store-h2", 60, true)
                : null;
        R2dbcStore store = new R2dbcStore(dialect, where, durable, pool, scheduler);
        try {
            store.writer.write(c -> Schema.migrate(c, dialect, where).then(Mono.just(true))).block(OPEN_TIMEOUT);
        } catch (RuntimeException e) {
            store.close();
            Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("java.") ? e.getCause() : e;
            throw new SluiceException("cannot open the store (" + where + "): " + oneLine(cause), cause);
        }
        return store;
    }

    /**
     * The JDK reads a file the first time it initializes its socket classes; done here on the caller's thread (which
     * may block: the factories wait anyway), it does not happen later on a non-blocking thread of Reactor or Netty.
     */
    static void initializeSocketClasses() {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.socket(); // what Netty's NioSocketChannel asks for first
        } catch (IOException e) {
            // only a warm-up: the connection attempt will report a real problem
        }
    }

    private static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return redact(sb.toString().replace('\n', ' '));
    }

    /** Drops a password from anything shaped like {@code scheme://user:password@host}. */
    private static String redact(String s) {
        return s.replaceAll("(//[^:/@\\s]+):[^@\\s]*@", "$1:***@");
    }

    /** True: batches are stored (for {@link #h2Memory()}, only until the process exits; see there). */
    @Override
    public boolean durable() {
        return durable;
    }

    /** Transactions the writer has committed: appends grouped into one transaction count once. */
    public long transactions() {
        return writer.transactions();
    }

    @Override
    public Mono<Void> createTopic(TopicSpec spec) {
        if (spec == null) {
            return Mono.error(new IllegalArgumentException("spec must not be null"));
        }
        return writer.write(c -> Flux.from(bind(c.createStatement("SELECT COUNT(*) FROM sluice_topics WHERE name = $1"), spec.name())
                        .execute())
                .concatMap(r -> r.map((row, md) -> row.get(0, Long.class)))
                .next()
                .flatMap(n -> {
                    if (n > 0) {
                        return Mono.error(new TopicExistsException("topic '" + spec.name() + "' exists already in the store (" + description + ")"));
                    }
                    Duration age = spec.retentionAge();
                    Statement s = c.createStatement("INSERT INTO sluice_topics (name, partitions, retention_records, retention_bytes,"
                            + " retention_age_seconds, retention_age_nanos, overflow, max_backlog) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
                    s.bind(0, spec.name()).bind(1, spec.partitions()).bind(2, spec.retentionRecords()).bind(3, spec.retentionBytes());
                    if (age == null) {
                        s.bindNull(4, Long.class).bindNull(5, Integer.class);
                    } else {
                        s.bind(4, age.getSeconds()).bind(5, age.getNano());
                    }
                    s.bind(6, spec.overflow().name()).bind(7, spec.maxBacklog());
                    return updated(s);
                })
                .then(Mono.just(true))).then();
    }

    /** Forgets the topic: its spec, batches, partition starts and every group's committed offsets in it. */
    @Override
    public Mono<Void> deleteTopic(String topic) {
        if (topic == null || topic.isBlank()) {
            return Mono.error(new IllegalArgumentException("topic must not be blank"));
        }
        return writer.write(c -> Flux.just("sluice_batches WHERE topic", "sluice_partitions WHERE topic", "sluice_offsets WHERE topic",
                        "sluice_topics WHERE name")
                .concatMap(where -> updated(bind(c.createStatement("DELETE FROM " + where + " = $1"), topic)))
                .then(Mono.just(true))).then();
    }

    @Override
    public Flux<TopicSpec> topics() {
        return query("SELECT name, partitions, retention_records, retention_bytes, retention_age_seconds, retention_age_nanos,"
                + " overflow, max_backlog FROM sluice_topics ORDER BY name", R2dbcStore::topicSpec);
    }

    private static TopicSpec topicSpec(Row row) {
        TopicSpec spec = TopicSpec.of(row.get(0, String.class))
                .partitions(row.get(1, Integer.class))
                .retentionRecords(row.get(2, Long.class))
                .retentionBytes(row.get(3, Long.class))
                .overflow(OverflowPolicy.valueOf(row.get(6, String.class)))
                .maxBacklog(row.get(7, Long.class));
        Long seconds = row.get(4, Long.class);
        return seconds == null ? spec : spec.retentionAge(Duration.ofSeconds(seconds, row.get(5, Integer.class)));
    }

    @Override
    public Mono<Void> append(TopicPartition partition, RecordBatch batch) {
        if (partition == null || batch == null) {
            return Mono.error(new IllegalArgumentException("partition and batch must not be null"));
        }
        Mono<Void> appended = writer.append(partition, batch);
        if (dialect == Dialect.H2 && bytesSinceCheckpoint.addAndGet(batch.sizeInBytes()) >= CHECKPOINT_BYTES) {
            bytesSinceCheckpoint.set(0);
            checkpoint();
        }
        return appended;
    }

    /**
     * H2: compacts the file a little, in the writer's order. The file store commits synchronously only without H2's
     * background writer ({@code WRITE_DELAY=0}), and that thread is also what compacts chunks that hold a few live
     * pages among dead ones, so without this nothing ever does: each group commit writes a chunk with the new
     * batches and a fresh copy of the B-tree pages above them (rounded up to 4 KiB blocks), the batches stay live
     * and the chunk with them, and the file grew to ~840 bytes per 100-byte record. {@code CHECKPOINT} moves the
     * live pages of chunks at most half full (up to 4 MiB of them) into a new chunk, after which the old ones are
     * free for reuse.
     */
    private void checkpoint() {
        writer.write(c -> updated(c.createStatement("CHECKPOINT")).thenReturn(true))
                .subscribe(null, e -> LOG.warn("CHECKPOINT failed (the H2 file is compacted later): {}", e.toString()));
    }

    @Override
    public Flux<RecordBatch> read(TopicPartition partition, long fromOffset, int maxBatches) {
        if (partition == null) {
            return Flux.error(new IllegalArgumentException("partition must not be null"));
        }
        if (fromOffset < 0 || maxBatches <= 0) {
            return Flux.error(new IllegalArgumentException("fromOffset must be >= 0 and maxBatches > 0, were " + fromOffset + " and " + maxBatches));
        }
        return query("SELECT base_offset, bytes FROM sluice_batches WHERE topic = $1 AND part = $2 AND last_offset >= $3"
                        + " ORDER BY last_offset LIMIT $4",
                row -> new Stored(row.get(0, Long.class), row.get(1, byte[].class)),
                partition.topic(), partition.partition(), fromOffset, maxBatches)
                .map(s -> s.verify(partition));
    }

    /** A row as read: decoding and the CRC check happen once the driver has let go of it. */
    private record Stored(long baseOffset, byte[] bytes) {
        RecordBatch verify(TopicPartition tp) {
            RecordBatch batch;
            try {
                batch = RecordBatch.wrap(bytes);
            } catch (CorruptRecordException e) {
                throw new CorruptRecordException("corrupt batch at offset " + baseOffset + " of " + tp + ": " + e.getMessage(), e);
            }
            if (batch.baseOffset() != baseOffset) {
                throw new CorruptRecordException("corrupt batch at offset " + baseOffset + " of " + tp + ": its header says offset "
                        + batch.baseOffset());
            }
            batch.verify(tp.topic(), tp.partition());
            return batch;
        }
    }

    @Override
    public Mono<Void> deleteBefore(TopicPartition partition, long offset) {
        if (partition == null || offset < 0) {
            return Mono.error(new IllegalArgumentException("partition must not be null and offset >= 0, was " + offset));
        }
        String topic = partition.topic();
        int part = partition.partition();
        return writer.write(c -> updated(bind(c.createStatement("DELETE FROM sluice_batches WHERE topic = $1 AND part = $2 AND last_offset < $3"),
                        topic, part, offset))
                .then(updated(bind(c.createStatement("UPDATE sluice_partitions SET start_offset = $3 WHERE topic = $1 AND part = $2"
                        + " AND start_offset < $3"), topic, part, offset)))
                .then(updated(bind(c.createStatement("INSERT INTO sluice_partitions (topic, part, start_offset) SELECT $1, $2, $3"
                        + " WHERE NOT EXISTS (SELECT 1 FROM sluice_partitions WHERE topic = $1 AND part = $2)"), topic, part, offset)))
                .then(Mono.just(true))).then()
                .doOnSuccess(v -> vacuumSoon());
    }

    @Override
    public Mono<Void> deleteFrom(TopicPartition partition, long offset) {
        if (partition == null || offset < 0) {
            return Mono.error(new IllegalArgumentException("partition must not be null and offset >= 0, was " + offset));
        }
        return writer.write(c -> updated(bind(c.createStatement("DELETE FROM sluice_batches WHERE topic = $1 AND part = $2"
                + " AND last_offset >= $3"), partition.topic(), partition.partition(), offset)).then(Mono.just(true))).then();
    }

    /**
     * PostgreSQL: deleted rows' space is reused only once VACUUM has passed, and autovacuum looks at a table once a
     * minute at best, while retention deletes all the time; so after deletions the store vacuums its batch table
     * itself, at most every {@link #VACUUM_INTERVAL_NANOS}, on a pooled connection outside any transaction (plain
     * VACUUM takes no lock that stops appends or reads). H2 reuses space itself ({@link H2Settings}).
     */
    private void vacuumSoon() {
        if (dialect != Dialect.POSTGRESQL) {
            return;
        }
        long now = System.nanoTime();
        long last = lastVacuum.get();
        if (now - last < VACUUM_INTERVAL_NANOS || !lastVacuum.compareAndSet(last, now)) {
            return;
        }
        Flux.usingWhen(pool.create(), c -> Flux.from(c.createStatement("VACUUM sluice_batches").execute())
                        .concatMap(r -> r.getRowsUpdated()), Connection::close)
                .subscribe(null, e -> LOG.warn("VACUUM sluice_batches failed (its space is reclaimed later): {}", e.toString()));
    }

    @Override
    public Mono<OffsetRange> offsets(TopicPartition partition) {
        if (partition == null) {
            return Mono.error(new IllegalArgumentException("partition must not be null"));
        }
        String where = " FROM sluice_batches WHERE topic = $1 AND part = $2 ORDER BY last_offset";
        return query("SELECT (SELECT base_offset" + where + " LIMIT 1), (SELECT last_offset" + where + " DESC LIMIT 1),"
                        + " (SELECT start_offset FROM sluice_partitions WHERE topic = $1 AND part = $2)",
                row -> {
                    Long first = row.get(0, Long.class);
                    Long last = row.get(1, Long.class);
                    Long recorded = row.get(2, Long.class);
                    long start = recorded == null ? 0 : recorded;
                    if (first == null) {
                        return new OffsetRange(start, start);
                    }
                    return new OffsetRange(first, Math.max(last + 1, start));
                }, partition.topic(), partition.partition())
                .next();
    }

    /**
     * One query over the batches' offsets (never their bytes): the first batch whose successor does not start right
     * after it. Recovery runs it once per partition at start-up.
     */
    @Override
    public Mono<Long> contiguousEnd(TopicPartition partition) {
        if (partition == null) {
            return Mono.error(new IllegalArgumentException("partition must not be null"));
        }
        return query("SELECT MIN(last_offset) FROM (SELECT last_offset, LEAD(base_offset) OVER (ORDER BY last_offset) AS next_base"
                        + " FROM sluice_batches" + (dialect == Dialect.H2 ? " USE INDEX (sluice_batches_offsets)" : "")
                        + " WHERE topic = $1 AND part = $2) t WHERE next_base <> last_offset + 1",
                row -> Optional.ofNullable(row.get(0, Long.class)), partition.topic(), partition.partition())
                .next()
                .flatMap(gapAfter -> gapAfter.isPresent() ? Mono.just(gapAfter.get() + 1) : offsets(partition).map(OffsetRange::end));
    }

    @Override
    public Mono<Long> offsetForTimestamp(TopicPartition partition, long timestampMillis) {
        if (partition == null) {
            return Mono.error(new IllegalArgumentException("partition must not be null"));
        }
        return query("SELECT base_offset FROM sluice_batches WHERE topic = $1 AND part = $2 AND max_timestamp >= $3"
                        + " ORDER BY last_offset LIMIT 1", row -> row.get(0, Long.class),
                partition.topic(), partition.partition(), timestampMillis)
                .next()
                .switchIfEmpty(Mono.defer(() -> offsets(partition).map(OffsetRange::end)));
    }

    @Override
    public Mono<Void> commit(String group, Map<TopicPartition, Long> offsets) {
        if (group == null || group.isBlank() || offsets == null) {
            return Mono.error(new IllegalArgumentException("group must not be blank and offsets not null"));
        }
        Map<TopicPartition, Long> copy = Map.copyOf(offsets);
        return writer.write(c -> Flux.fromIterable(copy.entrySet())
                .concatMap(e -> updated(bind(c.createStatement(dialect.upsertOffset()), group, e.getKey().topic(), e.getKey().partition(),
                        e.getValue())))
                .then(Mono.just(true))).then();
    }

    @Override
    public Mono<Map<TopicPartition, Long>> committed(String group) {
        if (group == null || group.isBlank()) {
            return Mono.error(new IllegalArgumentException("group must not be blank"));
        }
        return query("SELECT topic, part, next_offset FROM sluice_offsets WHERE group_id = $1",
                row -> Map.entry(new TopicPartition(row.get(0, String.class), row.get(1, Integer.class)), row.get(2, Long.class)), group)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new)
                .map(Map::copyOf);
    }

    @Override
    public Flux<String> groups() {
        return query("SELECT DISTINCT group_id FROM sluice_offsets ORDER BY group_id", row -> row.get(0, String.class));
    }

    /**
     * Runs one SQL statement in the writer's order, for tools and tests (corrupting a byte, say); the number of rows
     * it changed.
     */
    Mono<Long> execute(String sql, Object... params) {
        return writer.write(c -> updated(bind(c.createStatement(sql), params)));
    }

    /** Holds the writer until {@code gate} completes, for tests that need appends to queue up behind it. */
    Mono<Void> holdWriterUntil(Mono<Void> gate) {
        return writer.write(c -> gate.thenReturn(true)).then();
    }

    /**
     * Refuses new writes, waits for the queued ones to be written (appends acknowledged at {@code Acks.APPENDED}
     * included), at most {@value #CLOSE_TIMEOUT_S} s, and closes the database.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Mono<Void> shutdown = dialect == Dialect.H2
                // Close the embedded database now, not when its last pooled session goes: a reopen must see it closed.
                ? Mono.usingWhen(pool.create(), c -> updated(c.createStatement("SHUTDOWN")).then(), c -> Mono.from(c.close())
                        .onErrorResume(e -> Mono.empty())).onErrorResume(e -> Mono.empty())
                : Mono.empty();
        if (scheduler != null) {
            shutdown = shutdown.subscribeOn(scheduler);
        }
        try {
            writer.close().then(shutdown).then(pool.disposeLater()).onErrorResume(e -> Mono.empty()).block(CLOSE_TIMEOUT);
        } finally {
            if (scheduler != null) {
                scheduler.dispose();
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private <T> Flux<T> query(String sql, Function<Row, T> mapper, Object... params) {
        Flux<T> rows = Flux.usingWhen(pool.create(),
                c -> Flux.from(bind(c.createStatement(sql), params).execute()).concatMap(r -> r.map((row, md) -> mapper.apply(row))),
                Connection::close);
        return scheduler == null ? rows : rows.subscribeOn(scheduler);
    }

    private static Statement bind(Statement s, Object... params) {
        for (int i = 0; i < params.length; i++) {
            s.bind(i, params[i]);
        }
        return s;
    }

    private static Mono<Long> updated(Statement s) {
        return Flux.from(s.execute()).concatMap(r -> r.getRowsUpdated()).reduce(0L, Long::sum);
    }
}
