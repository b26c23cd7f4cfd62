package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.sluice.errors.ClosedException;
import io.sluice.log.LogStore;
import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * How one partition reaches the engine's durable {@link LogStore}: appends timed (and their failures counted) into the
 * store meters, deletions that only log their failure (the next chunk's deletion covers them), the repair of failed
 * writes, retried with backoff for as long as the store is down, and the reads of batches older than the memory log
 * holds after a restart.
 */
final class LogStoreLink implements DurableTail.StoreLink {
    private static final Logger log = Loggers.getLogger(LogStoreLink.class);

    /** The first wait before storing a partition's failed batches again, and the longest (the store may be down). */
    private static final Duration STORE_REPAIR_BACKOFF = Duration.ofMillis(100);
    private static final Duration STORE_REPAIR_MAX_BACKOFF = Duration.ofSeconds(5);

    private final LogStore store;
    private final TopicPartition tp;
    private final Timer storeAppendLatency;
    private final Counter storeAppendFailures;
    private final DistributionSummary storeBatchRecords;

    LogStoreLink(LogStore store, TopicPartition tp, Timer storeAppendLatency, Counter storeAppendFailures,
                 DistributionSummary storeBatchRecords) {
        this.store = store;
        this.tp = tp;
        this.storeAppendLatency = storeAppendLatency;
        this.storeAppendFailures = storeAppendFailures;
        this.storeBatchRecords = storeBatchRecords;
    }

    @Override
    public Mono<Void> store(RecordBatch batch) {
        long start = System.nanoTime();
        storeBatchRecords.record(batch.count());
        return store.append(tp, batch)
                .doOnSuccess(v -> storeAppendLatency.record(Duration.ofNanos(System.nanoTime() - start)))
                .doOnError(e -> storeAppendFailures.increment());
    }

    @Override
    public void deleteBefore(long offset) {
        store.deleteBefore(tp, offset)
                .subscribe(null, e -> log.warn("Deleting the stored batches of {} before offset {} failed", tp, offset, e));
    }

    @Override
    public Mono<Void> repair(List<RecordBatch> batches, BooleanSupplier closed) {
        // after a pause: the store just failed, and the partition's lock may be held by the caller
        return Mono.delay(STORE_REPAIR_BACKOFF).thenMany(Flux.fromIterable(batches))
                .concatMap(b -> store.read(tp, b.baseOffset(), 1).next()
                        .map(found -> found.baseOffset() == b.baseOffset())
                        .defaultIfEmpty(false)
                        .flatMap(landed -> landed ? Mono.<Void>empty()
                                // a deleted topic's batch must not come back into the store
                                : closed.getAsBoolean() ? Mono.error(new ClosedException("partition " + tp + " closed"))
                                : store.append(tp, b)))
                .then()
                .retryWhen(Retry.backoff(Long.MAX_VALUE, STORE_REPAIR_BACKOFF).maxBackoff(STORE_REPAIR_MAX_BACKOFF)
                        .filter(e -> !closed.getAsBoolean())
                        .doBeforeRetry(s -> log.warn("Storing the failed batches of {} again failed (attempt {}): {}", tp,
                                s.totalRetries() + 1, s.failure().toString())));
    }

    /** Stored batches from the one holding {@code fromOffset}, at most {@code maxBatches}, in offset order. */
    Flux<RecordBatch> read(long fromOffset, int maxBatches) {
        return store.read(tp, fromOffset, maxBatches);
    }

    /** The store's first offset whose batch holds a record at or after {@code timestampMillis} (its end when none). */
    Mono<Long> offsetForTimestamp(long timestampMillis) {
        return store.offsetForTimestamp(tp, timestampMillis);
    }
}
