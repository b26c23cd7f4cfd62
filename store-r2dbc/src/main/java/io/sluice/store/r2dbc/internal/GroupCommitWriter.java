package io.sluice.store.r2dbc.internal;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import io.sluice.errors.ClosedException;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Every write of the store, in arrival order, on one connection, one transaction at a time. Appends that arrive
 * while a transaction is in flight wait in a queue and go together into the next one (group commit): one
 * transaction of multi-row inserts, and every append's Mono completes after that transaction commits, or errors
 * when it fails. Other writes (topics, retention, committed offsets) each run in a transaction of their own, in
 * their place in the queue. A crash therefore leaves a prefix of the appends: never a gap.
 *
 * <p>When a transaction fails (the database dropped the connection, say) the writer fails that transaction's
 * operations, gives the connection back and takes a fresh one for the next transaction.
 */
public final class GroupCommitWriter {
    private static final Logger log = Loggers.getLogger(GroupCommitWriter.class);
    /** Multi-row insert sizes: a few fixed statements, so drivers and databases can reuse their plans. */
    private static final int[] CHUNKS = {128, 32, 8, 1};

    private final Supplier<Mono<? extends Connection>> connect;
    private final Scheduler scheduler;
    private final int maxRows;
    private final long maxBytes;
    private final String[] insertSql = new String[CHUNKS[0] + 1];
    private final Queue<Op> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong transactions = new AtomicLong();
    private volatile boolean inFlight;
    private volatile boolean closed;
    /** Completes once closed with nothing queued or in flight; set only by {@link #drain}. */
    private final Sinks.Empty<Void> drained = Sinks.empty();
    private volatile boolean drainedEmitted;
    private Connection connection; // only touched by the one transaction in flight

    /**
     * @param connect   gives the writer a connection (from the pool) when it has none
     * @param scheduler where transactions run when the driver blocks its caller (H2), else null
     * @param maxRows   the most batches one transaction holds
     * @param maxBytes  about the most batch bytes one transaction holds
     */
    public GroupCommitWriter(Supplier<Mono<? extends Connection>> connect, Scheduler scheduler, int maxRows, long maxBytes) {
        this.connect = connect;
        this.scheduler = scheduler;
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        for (int n : CHUNKS) {
            insertSql[n] = Dialect.insertBatches(n);
        }
    }

    /** Transactions committed so far (a group of appends counts once). */
    public long transactions() {
        return transactions.get();
    }

    /** Stores a batch; the Mono completes once the transaction holding it has committed. */
    public Mono<Void> append(TopicPartition tp, RecordBatch batch) {
        return Mono.create(sink -> submit(new Append(tp, batch, sink)));
    }

    /** Runs {@code work} in a transaction of its own, after every write submitted before it. */
    public <T> Mono<T> write(Function<Connection, Mono<T>> work) {
        return Mono.create(sink -> submit(new Task<>(work, sink)));
    }

    /**
     * Refuses new writes, lets the queued ones run (an append acknowledged at {@code Acks.APPENDED} is stored by a
     * graceful close, as a broker flushes on a clean shutdown), and completes once the last is over: the caller bounds
     * the wait. A write submitted while it closes fails with {@link ClosedException}.
     */
    public Mono<Void> close() {
        closed = true;
        drain();
        return drained.asMono().then(Mono.defer(() -> {
            Connection c = connection;
            connection = null;
            return c == null ? Mono.<Void>empty() : Mono.from(c.close()).onErrorResume(e -> Mono.empty());
        }));
    }

    private void submit(Op op) {
        if (closed) {
            op.fail(new ClosedException("the store is closed"));
            return;
        }
        queue.offer(op);
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            if (drainedEmitted) {
                Op op; // submitted while closing, after the queue had drained
                while ((op = queue.poll()) != null) {
                    op.fail(new ClosedException("the store is closed"));
                }
            } else if (!inFlight && !queue.isEmpty()) {
                inFlight = true;
                startNext();
            } else if (closed && !inFlight) {
                drainedEmitted = true;
                drained.tryEmitEmpty();
                continue;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void startNext() {
        List<Op> group = new ArrayList<>();
        Mono<?> txn;
        if (queue.peek() instanceof Task<?> task) {
            queue.poll();
            group.add(task);
            txn = inTransaction(task::run);
        } else {
            List<Append> appends = new ArrayList<>();
            long bytes = 0;
            while (appends.size() < maxRows && bytes < maxBytes && queue.peek() instanceof Append a) {
                queue.poll();
                appends.add(a);
                bytes += a.batch.sizeInBytes();
            }
            group.addAll(appends);
            txn = inTransaction(c -> insert(c, appends));
        }
        Mono<Void> run = txn.then();
        if (scheduler != null) {
            run = run.subscribeOn(scheduler);
        }
        Mono<Void> done = run.doOnSuccess(v -> {
            transactions.incrementAndGet();
            finish(group, null);
        }).onErrorResume(e -> {
            finish(group, e);
            return Mono.empty();
        });
        done.subscribe();
    }

    private void finish(List<Op> group, Throwable error) {
        inFlight = false;
        for (Op op : group) {
            if (error == null) {
                op.complete();
            } else {
                op.fail(error);
            }
        }
        drain();
    }

    private <T> Mono<T> inTransaction(Function<Connection, Mono<T>> work) {
        Mono<? extends Connection> conn = connection != null ? Mono.just(connection)
                : connect.get().doOnNext(c -> connection = c);
        return conn.flatMap(c -> Mono.from(c.beginTransaction())
                .then(work.apply(c))
                .flatMap(v -> Mono.from(c.commitTransaction()).thenReturn(v))
                .switchIfEmpty(Mono.defer(() -> Mono.from(c.commitTransaction()).then(Mono.empty())))
                .onErrorResume(e -> {
                    // A failed transaction may have left the connection broken: roll back if it can, then give
                    // it back and take another for the next transaction.
                    connection = null;
                    log.debug("store transaction failed; releasing the writer's connection", e);
                    return Mono.from(c.rollbackTransaction()).onErrorResume(r -> Mono.empty())
                            .then(Mono.from(c.close()).onErrorResume(r -> Mono.empty()))
                            .then(Mono.error(e));
                }));
    }

    private Mono<Void> insert(Connection c, List<Append> appends) {
        List<Statement> statements = new ArrayList<>();
        int i = 0;
        while (i < appends.size()) {
            int left = appends.size() - i;
            int n = CHUNKS[CHUNKS.length - 1];
            for (int size : CHUNKS) {
                if (size <= left) {
                    n = size;
                    break;
                }
            }
            Statement s = c.createStatement(insertSql[n]);
            int p = 0;
            for (int r = 0; r < n; r++) {
                Append a = appends.get(i + r);
                RecordBatch b = a.batch;
                s.bind(p++, a.tp.topic()).bind(p++, a.tp.partition()).bind(p++, b.lastOffset()).bind(p++, b.baseOffset())
                        .bind(p++, b.firstTimestamp()).bind(p++, b.maxTimestamp()).bind(p++, b.array());
            }
            statements.add(s);
            i += n;
        }
        return Flux.fromIterable(statements)
                .concatMap(s -> Flux.from(s.execute()).concatMap(r -> r.getRowsUpdated()))
                .then();
    }

    private interface Op {
        void complete();

        void fail(Throwable error);
    }

    private record Append(TopicPartition tp, RecordBatch batch, MonoSink<Void> sink) implements Op {
        @Override
        public void complete() {
            sink.success();
        }

        @Override
        public void fail(Throwable error) {
            sink.error(error);
        }
    }

    private static final class Task<T> implements Op {
        final Function<Connection, Mono<T>> work;
        final MonoSink<T> sink;
        T value;

        Task(Function<Connection, Mono<T>> work, MonoSink<T> sink) {
            this.work = work;
            this.sink = sink;
        }

        Mono<Boolean> run(Connection c) {
            return work.apply(c).doOnNext(v -> value = v).thenReturn(true);
        }

        @Override
        public void complete() {
            if (value == null) {
                sink.success();
            } else {
                sink.success(value);
            }
        }

        @Override
        public void fail(Throwable error) {
            sink.error(error);
        }
    }
}
