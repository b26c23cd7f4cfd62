package io.sluice.store.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.log.RecordBatch;
import io.sluice.partition.Partitioners;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.TopicPartition;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Space stays bounded: 5,000,000 records through a topic that retains 500,000, with {@code Acks.STORED}; the
 * store's size on disk is sampled after every 500,000 and must stay under a bound (printed with the samples). One subclass
 * per store.
 */
abstract class RetentionTestBase {
    private static final int RECORDS = 5_000_000;
    private static final int RETAINED = 500_000;
    private static final int CHUNK = 500_000;
    private static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** 100 bytes that differ from record to record, so that no database compresses them away. */
    private static byte[] value(long i) {
        byte[] v = new byte[100];
        new java.util.SplittableRandom(i).nextBytes(v);
        return v;
    }

    /** A fresh store for this test. */
    protected abstract R2dbcStore open();

    /** The bytes the store occupies now (the database file, or the tables with their indexes). */
    protected abstract long sizeOnDisk();

    /**
     * The most {@link #sizeOnDisk()} may reach while 500,000 records of 100 bytes are retained, given the bytes of the
     * batches the store holds at the end (the retained records, in whole batches: about 110 bytes a record).
     */
    protected abstract long bound(long retainedBatchBytes);

    @Test
    void fiveMillionRecordsThroughATopicRetainingHalfAMillionStayWithinABound() {
        String topic = "retention-" + UUID.randomUUID().toString().substring(0, 8);
        R2dbcStore store = open();
        long[] largest = new long[1];
        long[] retainedBatchBytes = new long[1];
        StringBuilder samples = new StringBuilder();
        try (Sluice sluice = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("retention"))) {
            // four partitions (retention counts per partition) keep more batches in flight, as a real topic would
            StepVerifier.create(sluice.admin().createTopic(TopicSpec.of(topic).partitions(PARTITIONS)
                            .retentionRecords(RETAINED / PARTITIONS).retentionBytes(TopicSpec.UNLIMITED)))
                    .verifyComplete();
            Producer producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED).partitioner(Partitioners.roundRobin()));
            for (int chunk = 0; chunk < RECORDS / CHUNK; chunk++) {
                int from = chunk * CHUNK;
                StepVerifier.create(producer.send(Flux.range(from, CHUNK).map(i -> OutboundMessage.of(topic, (String) null, value(i), i))))
                        .expectNextCount(CHUNK)
                        .expectComplete()
                        .verify(TIMEOUT);
                long size = sizeOnDisk(); // measured on the test's thread, between chunks
                largest[0] = Math.max(largest[0], size);
                samples.append(String.format(" %,d records: %,d bytes;", from + CHUNK, size));
            }
            for (int p = 0; p < PARTITIONS; p++) {
                retainedBatchBytes[0] += storedBytes(store, TopicPartition.of(topic, p));
            }
            TopicDescription d = sluice.admin().describeTopic(topic).block(TIMEOUT);
            assertThat(d).isNotNull();
            for (TopicDescription.PartitionInfo p : d.partitions()) {
                assertThat(p.endOffset()).isEqualTo(RECORDS / PARTITIONS);
                assertThat(p.endOffset() - p.startOffset()).as("retained in partition %d", p.partition())
                        .isBetween((long) RETAINED / PARTITIONS, (long) RETAINED / PARTITIONS * 5 / 4);
            }
        }
        long bound = bound(retainedBatchBytes[0]);
        System.out.printf("retention test %s: largest %,d bytes, bound %,d bytes, retained batches %,d bytes;%s%n",
                getClass().getSimpleName(), largest[0], bound, retainedBatchBytes[0], samples);
        assertThat(largest[0]).isLessThanOrEqualTo(bound);
    }

    /** The bytes of every batch the store holds for {@code tp}. */
    private static long storedBytes(R2dbcStore store, TopicPartition tp) {
        long bytes = 0;
        long from = store.offsets(tp).block(TIMEOUT).start();
        for (;;) {
            List<RecordBatch> batches = store.read(tp, from, 1024).collectList().block(TIMEOUT);
            if (batches == null || batches.isEmpty()) {
                return bytes;
            }
            for (RecordBatch b : batches) {
                bytes += b.sizeInBytes();
            }
            from = batches.get(batches.size() - 1).nextOffset();
        }
    }
}
