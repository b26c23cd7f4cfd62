package io.sluice.benchmarks.perf.targets;

import io.r2dbc.h2.H2ConnectionConfiguration;
import io.r2dbc.h2.H2ConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Statement;
import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.targets.peers.PeerTargets;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.kafka.cluster.TempDirectories;
import io.sluice.producer.Acks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code h2-rows} and {@code postgres-rows}: the baseline a durable Sluice is measured against, a database table
 * used as a queue, as an application without a broker would: one row per record.
 *
 * <p>Per phase a new table {@code (id, part, v)}. The producer inserts each record as a row, with batched
 * statements (one {@code Statement.add()} per row), one transaction per {@code --batch-size} bytes of records,
 * one transaction at a time; a record counts as acknowledged when its transaction has committed. The consumer,
 * on a second connection, polls {@code SELECT id, part, v ... WHERE id > last ORDER BY id LIMIT --prefetch},
 * and waits a millisecond when it finds nothing. Rows are not deleted while the phase runs (the table is dropped
 * at its end). The database is the same as the matching Sluice target's: an H2 file in a temporary directory,
 * or PostgreSQL at {@code --postgres}.
 */
final class RowsTarget implements Target {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final String url;
    private final boolean h2;
    private Path directory;
    /** Where database calls run: H2 embedded works on the calling thread, so it gets threads that may block. */
    private Scheduler io = Schedulers.immediate();
    private Connection writer;
    private Connection reader;

    private RowsTarget(String name, String url, boolean h2) {
        this.name = name;
        this.url = url;
        this.h2 = h2;
    }

    /** Rows in an H2 file under a temporary directory. */
    static RowsTarget h2() {
        return new RowsTarget("h2-rows", null, true);
    }

    /** Rows in PostgreSQL at {@code url} (an R2DBC URL). */
    static RowsTarget postgres(String url) {
        return new RowsTarget("postgres-rows", url, false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return (h2 ? "H2 file" : "PostgreSQL at " + DurableStores.safe(url)) + " as a queue: a row per record, batched inserts,"
                + " a polling reader (the baseline of the durable Sluice targets)";
    }

    @Override
    public boolean hasAcks() {
        return true;
    }

    @Override
    public void validate(Workload workload) {
        PeerTargets.requireOneProducerAndConsumer(name, workload);
        if (workload.acks() == Acks.NONE) {
            throw new IllegalArgumentException("--acks none has no meaning for " + name + ": a row is there once its transaction commits");
        }
    }

    @Override
    public void open(Workload workload) {
        String where = h2 ? "an H2 file" : DurableStores.safe(url);
        try {
            ConnectionFactory factory;
            if (h2) {
                directory = Files.createTempDirectory("sluice-perf-h2-rows-");
                // the settings of R2dbcStore.h2File: each commit written to the file, space reused at once
                factory = new H2ConnectionFactory(H2ConnectionConfiguration.builder()
                        .file(directory.resolve("rows").toAbsolutePath().toString()).username("sa")
                        .property("WRITE_DELAY", "0").property("RETENTION_TIME", "0").build());
                io = Schedulers.newBoundedElastic(2, Integer.MAX_VALUE, "sluice-perf-h2-rows", 60, true);
            } else {
                factory = ConnectionFactories.get(url);
            }
            writer = Mono.from(factory.create()).block(TIMEOUT);
            reader = Mono.from(factory.create()).block(TIMEOUT);
        } catch (Exception e) {
            close();
            throw new TargetUnavailableException(name + ": cannot connect to " + where + ": " + TargetUnavailableException.oneLine(e), e);
        }
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        String table = PeerTargets.phaseName().replace('-', '_');
        execute(writer, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, part INT NOT NULL, v "
                + (h2 ? "VARBINARY" : "BYTEA") + " NOT NULL)").block(TIMEOUT);
        int perTransaction = Math.max(1, workload.batchSize() / workload.recordSize());
        probe.detail(name, String.format(Locale.ROOT, "table %s, %,d rows per insert transaction (batched statements),"
                + " reader polls %,d rows at a time", table, perTransaction, workload.prefetch()));
        Disposable.Composite phase = Disposables.composite();
        AtomicLong last = new AtomicLong(-1);
        phase.add(poll(table, workload, last)
                .doOnNext(rows -> {
                    long now = System.nanoTime();
                    for (Object[] row : rows) {
                        byte[] v = (byte[]) row[2];
                        probe.received((Integer) row[1], Payload.seq(v), Payload.intendedNanos(v), now);
                    }
                })
                .subscribe(null, probe::failed));
        int partitions = workload.partitions();
        phase.add(payloads.buffer(perTransaction)
                .concatMap(batch -> insert(table, batch, partitions).doOnSuccess(v -> batch.forEach(b -> probe.acked())), 1)
                .subscribe(null, probe::failed, probe::acksCompleted));
        return () -> {
            phase.dispose();
            execute(writer, "DROP TABLE IF EXISTS " + table).onErrorResume(e -> Mono.empty()).block(TIMEOUT);
        };
    }

    /** One transaction inserting {@code batch}, a row each, as one batched statement. */
    private Mono<Void> insert(String table, List<byte[]> batch, int partitions) {
        return Mono.defer(() -> {
            Statement s = writer.createStatement("INSERT INTO " + table + " (id, part, v) VALUES ($1, $2, $3)");
            for (int i = 0; i < batch.size(); i++) {
                byte[] value = batch.get(i);
                long seq = Payload.seq(value);
                if (i > 0) {
                    s.add();
                }
                s.bind(0, seq).bind(1, (int) (seq % partitions)).bind(2, value);
            }
            return Mono.from(writer.beginTransaction())
                    .thenMany(Flux.from(s.execute()).flatMap(r -> r.getRowsUpdated()))
                    .then(Mono.from(writer.commitTransaction()));
        }).subscribeOn(io);
    }

    /** Reads rows after {@code last} again and again, a millisecond apart when there were none. */
    private Flux<List<Object[]>> poll(String table, Workload workload, AtomicLong last) {
        String sql = "SELECT id, part, v FROM " + table + " WHERE id > $1 ORDER BY id LIMIT " + workload.prefetch();
        Mono<List<Object[]>> once = Mono.defer(() -> Flux.from(reader.createStatement(sql).bind(0, last.get()).execute())
                .flatMap(r -> r.map((row, meta) -> new Object[] {row.get(0, Long.class), row.get(1, Integer.class),
                        row.get(2, byte[].class)}))
                .collectList()
                .subscribeOn(io)
                .doOnNext(rows -> {
                    if (!rows.isEmpty()) {
                        last.set((Long) rows.get(rows.size() - 1)[0]);
                    }
                })
                .flatMap(rows -> rows.isEmpty() ? Mono.delay(Duration.ofMillis(1)).thenReturn(rows) : Mono.just(rows)));
        return once.repeat();
    }

    private static Mono<Void> execute(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).then();
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {writer, reader}) {
            if (c != null) {
                try {
                    Mono.from(c.close()).block(TIMEOUT);
                } catch (RuntimeException e) {
                    // closing after the run: nothing else to do
                }
            }
        }
        writer = null;
        reader = null;
        io.dispose();
        io = Schedulers.immediate();
        TempDirectories.delete(directory);
        directory = null;
    }
}
