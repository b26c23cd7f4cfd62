package io.sluice.internal;

import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.record.TopicPartition;
import reactor.core.scheduler.Scheduler;

/**
 * Where a producer's batches go: the embedded engine's partitions, or a remote node's through the Netty client.
 * {@link DefaultProducer} and its {@code SendOperator}s (accumulation, linger, in-flight bounds, results in order)
 * are the same for both; only this differs. Public for {@code sluice-transport-netty}; not API.
 */
public interface SendTarget {

    /** The topic, for a send's accumulator; throws {@link io.sluice.errors.UnknownTopicException} naming it when unknown. */
    Topic topic(String name);

    /** The clock that stamps records without a timestamp. */
    long clockMillis();

    /** Where linger-0 batches close (one worker per send). */
    Scheduler senderScheduler();

    /**
     * The producer id that a new send writes into its batches' headers, with sequence numbers counted per
     * partition from 0: a target that may receive a batch twice (a resend after a reconnect) drops the second
     * copy by them. {@code -1}: no idempotence (a target that never resends).
     */
    long newProducerId();

    /** Null while the target is open; else the error that refuses new sends. */
    Throwable closedError();

    /** A producer was closed. */
    void producerClosed(DefaultProducer producer);

    /** A topic as producers see it. */
    interface Topic {
        String name();

        int partitionCount();

        /** The most records one batch may hold (a batch beyond the topic's backlog bound could never fit). */
        long maxBatchRecords();

        Partition partition(int index);

        /** Records the time from a batch's close to its acknowledgement. */
        void recordSendLatency(long nanos);
    }

    /** A partition as producers see it. */
    interface Partition {
        TopicPartition tp();

        /**
         * Appends a batch whose header carries the producer id and base sequence; {@code callback} hears once it
         * is as safe as {@code acks} asks, or why it failed. Batches of one partition are appended in call order.
         */
        void append(RecordBatch batch, Acks acks, AppendCallback callback);

        /** Counts key and value bytes of an acknowledged batch, for the bytes-in meter. */
        void countBytesIn(long bytes);
    }

    /** Told when a batch is appended (with its base offset) or has failed. */
    interface AppendCallback {
        void appended(long baseOffset);

        void failed(Throwable error);
    }
}
