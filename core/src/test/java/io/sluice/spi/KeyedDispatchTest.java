package io.sluice.spi;

import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.Ordering;
import io.sluice.consumer.Result;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code process()}'s scheduler in virtual time: a key (or a partition) whose handler stalls holds back only its own
 * records, records of one key run one at a time in order, and what the scheduler takes from upstream stays within its
 * bounds ({@code prefetch} ready, {@code keyBacklog} behind their key) while keys stall.
 */
class KeyedDispatchTest {
    private static final Duration STALL = Duration.ofSeconds(2);
    private static final int RECORDS = 10_000;
    private static final int KEYS = 1_000;
    /** Partitions of the PER_PARTITION runs: enough that the others, one handler each at a time, finish within the stall. */
    private static final int PARTITIONS = 64;
    private static final int CONCURRENCY = 16;
    private static final int WINDOW = 512;
    private static final int BACKLOG = 4_096;

    /** What one run saw: each record's completion time, the keys' order and the scheduler's held deliveries. */
    private static final class Run {
        final Map<Long, Long> doneAtMillis = new HashMap<>();
        final Map<String, List<Long>> offsetsByKey = new HashMap<>();
        final Map<String, AtomicInteger> runningByKey = new HashMap<>();
        final List<String> violations = new ArrayList<>();
        final AtomicLong taken = new AtomicLong();
        final AtomicLong started = new AtomicLong();
        long maxHeld;
        int running;
        int maxRunning;

        synchronized void start(Record r, String orderKey) {
            started.incrementAndGet();
            if (runningByKey.computeIfAbsent(orderKey, k -> new AtomicInteger()).incrementAndGet() > 1) {
                violations.add("two records of " + orderKey + " ran at once (offset " + r.offset() + ")");
            }
            List<Long> offsets = offsetsByKey.computeIfAbsent(orderKey, k -> new ArrayList<>());
            if (!offsets.isEmpty() && offsets.get(offsets.size() - 1) > r.offset()) {
                violations.add(orderKey + ": offset " + r.offset() + " after " + offsets.get(offsets.size() - 1));
            }
            offsets.add(r.offset());
            maxRunning = Math.max(maxRunning, ++running);
        }

        synchronized void end(Record r, String orderKey, long nowMillis) {
            runningByKey.get(orderKey).decrementAndGet();
            running--;
            doneAtMillis.put(r.offset(), nowMillis);
        }

        synchronized void arrived() {
            maxHeld = Math.max(maxHeld, taken.incrementAndGet() - started.get());
        }

        /** Records other than {@code stalled}'s done before {@code millis}, as a fraction of them. */
        synchronized double othersDoneBefore(long millis, java.util.function.LongPredicate stalled) {
            long others = 0;
            long before = 0;
            for (Map.Entry<Long, Long> e : doneAtMillis.entrySet()) {
                if (!stalled.test(e.getKey())) {
                    others++;
                    if (e.getValue() < millis) {
                        before++;
                    }
                }
            }
            return (double) before / others;
        }
    }

    /** Record {@code i} of the workload: key {@code k<i % KEYS>}, partition {@code i % partitions}, offset {@code i}. */
    private static Delivery delivery(long i, int partitions) {
        byte[] key = ("k" + (i % KEYS)).getBytes(StandardCharsets.UTF_8);
        return delivery(Record.of("t", (int) (i % partitions), i, 0, key, new byte[8], null));
    }

    /** A delivery of {@code r} whose acknowledgements do nothing. */
    private static Delivery delivery(Record r) {
        return new Delivery() {
            @Override
            public Record record() {
                return r;
            }

            @Override
            public void ack() {
            }

            @Override
            public Mono<Void> commit() {
                return Mono.empty();
            }
        };
    }

    private static String orderKey(Record r, Ordering ordering) {
        return ordering == Ordering.PER_PARTITION ? "p" + r.partition() : r.keyAsString();
    }

    /** Runs the workload in virtual time with {@code body} as each record's handling (after the bookkeeping). */
    private static Run run(Ordering ordering, Function<Record, Mono<?>> body) {
        Run run = new Run();
        ConsumerOptions options = ConsumerOptions.create("g").concurrency(CONCURRENCY).ordering(ordering).prefetch(WINDOW);
        StepVerifier.withVirtualTime(() -> {
                    Flux<Delivery> in = Flux.range(0, RECORDS).map(i -> delivery(i, ordering == Ordering.PER_PARTITION ? PARTITIONS : 4))
                            .doOnNext(d -> run.arrived());
                    return KeyedDispatch.dispatch(in, d -> Mono.defer(() -> {
                        Record r = d.record();
                        String k = orderKey(r, ordering);
                        run.start(r, k);
                        return body.apply(r).then(Mono.fromCallable(() -> {
                            run.end(r, k, VirtualTimeScheduler.get().now(java.util.concurrent.TimeUnit.MILLISECONDS));
                            return new Result(r, Result.Outcome.PROCESSED, 1, null);
                        }));
                    }), KeyedDispatch.orderingKey(options), CONCURRENCY, WINDOW, BACKLOG);
                })
                .thenAwait(Duration.ofSeconds(60))
                .expectNextCount(RECORDS)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
        assertThat(run.violations).isEmpty();
        assertThat(run.doneAtMillis).as("every record handled once").hasSize(RECORDS);
        assertThat(run.maxRunning).as("handlers at once").isLessThanOrEqualTo(CONCURRENCY).isGreaterThan(1);
        assertThat(run.maxHeld).as("deliveries taken and not started").isLessThanOrEqualTo(WINDOW + BACKLOG);
        return run;
    }

    @Test
    void aKeyWhoseFirstHandlerStallsHoldsBackOnlyItsOwnRecords() {
        Run run = run(Ordering.PER_KEY, r -> Mono.delay(r.offset() == 0 ? STALL : Duration.ofMillis(1)));
        assertThat(run.othersDoneBefore(STALL.toMillis(), o -> o % KEYS == 0)).isGreaterThanOrEqualTo(0.99);
        assertThat(run.doneAtMillis.get(0L)).isGreaterThanOrEqualTo(STALL.toMillis());
    }

    @Test
    void aKeyWhoseFirstHandlerFailsAndRetriesWithBackoffHoldsBackOnlyItsOwnRecords() {
        AtomicInteger attempts = new AtomicInteger();
        Run run = run(Ordering.PER_KEY, r -> r.offset() != 0 ? Mono.delay(Duration.ofMillis(1))
                : Mono.defer(() -> attempts.incrementAndGet() == 1 ? Mono.error(new IllegalStateException("first attempt"))
                        : Mono.empty()).retryWhen(Retry.fixedDelay(1, STALL)));
        assertThat(attempts).hasValue(2);
        assertThat(run.othersDoneBefore(STALL.toMillis(), o -> o % KEYS == 0)).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void aPartitionWhoseFirstHandlerStallsHoldsBackOnlyItsOwnRecordsUnderPerPartition() {
        Run run = run(Ordering.PER_PARTITION, r -> Mono.delay(r.offset() == 0 ? STALL : Duration.ofMillis(1)));
        // partition 0 (offsets 0, 64, 128, ...) waits for its first record; the 63 others run
        assertThat(run.othersDoneBefore(STALL.toMillis(), o -> o % PARTITIONS == 0)).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void whatIsTakenFromUpstreamStaysWithinTheKeyBacklogWhileAHotKeyStalls() {
        // every other record has the key "hot", whose first handler waits for a release: its records pile up behind
        // it until they fill the key backlog, and then nothing more is taken
        int backlog = 1_000;
        Sinks.Empty<Void> release = Sinks.empty();
        AtomicLong taken = new AtomicLong();
        AtomicLong started = new AtomicLong();
        ConsumerOptions options = ConsumerOptions.create("g").concurrency(CONCURRENCY).ordering(Ordering.PER_KEY);
        Flux<Delivery> in = Flux.range(0, RECORDS).map(i -> {
            long key = i % 2 == 0 ? -1 : i;
            byte[] k = (key < 0 ? "hot" : "k" + key).getBytes(StandardCharsets.UTF_8);
            return delivery(Record.of("t", 0, i, 0, k, new byte[8], null));
        }).doOnNext(d -> taken.incrementAndGet());
        Flux<Result> out = KeyedDispatch.dispatch(in, d -> Mono.defer(() -> {
            started.incrementAndGet();
            Mono<Void> wait = d.record().offset() == 0 ? release.asMono() : Mono.empty();
            return wait.thenReturn(new Result(d.record(), Result.Outcome.PROCESSED, 1, null));
        }), KeyedDispatch.orderingKey(options), CONCURRENCY, WINDOW, backlog);
        // everything but the hot key's first handler is synchronous: when subscribe returns, the scheduler waits for it
        List<Result> results = new ArrayList<>();
        AtomicInteger completed = new AtomicInteger();
        out.subscribe(results::add, e -> { throw new AssertionError(e); }, completed::incrementAndGet);
        long held = taken.get() - started.get();
        assertThat(held).as("held behind the stalled hot key").isBetween((long) backlog - WINDOW / 4, (long) backlog);
        assertThat(taken.get()).as("nothing more is taken").isLessThan(RECORDS);
        assertThat(results).hasSize((int) (started.get() - 1));
        release.tryEmitEmpty();
        assertThat(results).hasSize(RECORDS);
        assertThat(completed).hasValue(1);
        assertThat(started).hasValue(RECORDS);
    }
}
