package io.sluice.log.internal;

import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import io.sluice.record.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** One writer, lock-free readers. Every wait is a latch or a spin on the log's own published state. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MemoryLogConcurrencyTest {
    private static final TopicPartition TP = TopicPartition.of("events", 0);
    private static final int BATCHES = 2_000;

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Batches of 1 to 5 records whose values are their future offsets, so a reader can check what it sees. */
    private static List<RecordBatch> numberedBatches() {
        List<RecordBatch> batches = new ArrayList<>(BATCHES);
        BatchBuilder builder = new BatchBuilder(256);
        long offset = 0;
        for (int b = 0; b < BATCHES; b++) {
            for (int i = 0; i <= b % 5; i++) {
                builder.append(offset, null, Long.toString(offset).getBytes(StandardCharsets.UTF_8), Headers.empty());
                offset++;
            }
            batches.add(builder.build(-1, -1));
        }
        return batches;
    }

    @Test
    void a_reader_sees_every_offset_in_order_while_a_writer_appends() throws Exception {
        List<RecordBatch> batches = numberedBatches();
        long total = batches.stream().mapToLong(RecordBatch::count).sum();
        MemoryLog log = new MemoryLog(TP, Retention.UNLIMITED, () -> 0L);
        CountDownLatch start = new CountDownLatch(1);

        Future<?> writer = threads.submit(() -> {
            start.await();
            for (RecordBatch b : batches) {
                log.append(b);
            }
            return null;
        });
        Future<List<Long>> reader = threads.submit(() -> {
            List<Long> seen = new ArrayList<>((int) total);
            start.await();
            long next = 0;
            while (next < total) {
                long end = log.endOffset();
                if (next >= end) {
                    // not appended yet: the writer is running, and the future's timeout bounds this loop
                    Thread.onSpinWait();
                    continue;
                }
                // Every offset below a seen end must be readable at once, in the batch that holds it.
                RecordBatch b = log.batchFor(next);
                if (b == null || b.baseOffset() > next || b.lastOffset() < next) {
                    throw new AssertionError("batchFor(" + next + ") returned " + b + " with the end at " + end);
                }
                b.verify(TP.topic(), TP.partition());
                Iterator<Record> it = b.records(TP.topic(), TP.partition(), next);
                while (it.hasNext()) {
                    Record r = it.next();
                    if (r.offset() != Long.parseLong(r.valueAsString())) {
                        throw new AssertionError("offset " + r.offset() + " holds the record written for " + r.valueAsString());
                    }
                    seen.add(r.offset());
                    next = r.offset() + 1;
                }
            }
            return seen;
        });

        start.countDown();
        writer.get(60, TimeUnit.SECONDS);
        List<Long> seen = reader.get(60, TimeUnit.SECONDS);

        assertThat(seen).hasSize((int) total);
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i) != i) {
                throw new AssertionError("position " + i + " holds offset " + seen.get(i));
            }
        }
        assertThat(log.endOffset()).isEqualTo(total);
        assertThat(log.batchCount()).isEqualTo(BATCHES);
    }

    @Test
    void readers_never_see_a_torn_log_while_retention_evicts() throws Exception {
        List<RecordBatch> batches = numberedBatches();
        MemoryLog log = new MemoryLog(TP, new Retention(50, Long.MAX_VALUE, Long.MAX_VALUE), () -> 0L);
        log.append(batches.get(0));
        CountDownLatch start = new CountDownLatch(1);

        Future<?> writer = threads.submit(() -> {
            start.await();
            for (RecordBatch b : batches.subList(1, batches.size())) {
                log.append(b);
            }
            return null;
        });
        Future<Long> reader = threads.submit(() -> {
            start.await();
            long checks = 0;
            boolean writerDone;
            do {
                writerDone = writer.isDone();
                long from = log.startOffset();
                long end = log.endOffset();
                for (long offset = from; offset < end; offset++) {
                    RecordBatch b = log.batchFor(offset);
                    if (b == null) {
                        throw new AssertionError("no batch for " + offset + " in [" + from + ", " + end + ")");
                    }
                    if (b.lastOffset() < offset) {
                        throw new AssertionError("batch " + b + " returned for offset " + offset);
                    }
                    for (Iterator<Record> it = b.records(TP.topic(), TP.partition(), offset); it.hasNext(); ) {
                        Record r = it.next();
                        if (r.offset() != Long.parseLong(r.valueAsString())) {
                            throw new AssertionError("offset " + r.offset() + " holds the record written for " + r.valueAsString());
                        }
                    }
                    // Timestamps equal offsets here: no record before `offset` qualifies.
                    long byTime = log.offsetForTimestamp(offset);
                    if (byTime < offset) {
                        throw new AssertionError("offsetForTimestamp(" + offset + ") = " + byTime);
                    }
                    checks++;
                }
            } while (!writerDone);
            return checks;
        });

        start.countDown();
        writer.get(60, TimeUnit.SECONDS);
        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        assertThat(log.retainedRecords()).isBetween(50L, 54L);
        assertThat(log.evictedRecords() + log.retainedRecords()).isEqualTo(log.endOffset());
    }
}
