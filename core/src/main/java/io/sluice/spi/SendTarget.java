package io.sluice.spi;

import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.record.TopicPartition;
import reactor.core.scheduler.Scheduler;

/**
 * Where a producer's batches go: the embedded engine's partitions, a remote node's through the Netty client, or
 * another system's log. The producers {@link Producers} makes (accumulation into batches, linger, in-flight bounds,
 * results in send order) are the same for every implementation; only this differs.
 *
 * <p>Contract:
 * <ul>
 *   <li>Every method MUST be non-blocking: they are called from the user's send pipeline and from Reactor's
 *       threads.</li>
 *   <li>{@link Partition#append} MUST call its callback exactly once, {@code appended}, {@code appendedAt} or {@code failed}, on any
 *       thread, and MUST keep the batches of one partition in the order of the calls. It never throws: a failure is
 *       the callback's.</li>
 *   <li>The target takes ownership of nothing: the batch is the producer's until the callback fires, and the target
 *       copies what it keeps beyond that.</li>
 *   <li>A target that may receive a batch twice (a resend after a reconnect) MUST drop the second copy by the
 *       producer id and sequence in its header ({@link #newProducerId}).</li>
 * </ul>
 * {@code io.sluice.transport.netty.internal.RemoteTarget} is an implementation to read beside the engine's.
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

    /** A topic as producers see it. */
    interface Topic {
        String name();

        int partitionCount();

        /** The most records one batch may hold (a batch beyond the topic's backlog bound could never fit). */
        long maxBatchRecords();

        /**
         * The most bytes one batch may have, header included: batches close before they would grow beyond it, and
         * a record that does not fit alone fails its send with {@link io.sluice.errors.RecordTooLargeException}
         * before anything is sent. By default the batch format's own limit ({@link RecordBatch#MAX_SIZE}); over
         * the network the node's maximum frame size less the frame's headers.
         */
        default int maxBatchBytes() {
            return RecordBatch.MAX_SIZE;
        }

        /** Where {@link #maxBatchBytes} comes from, for the message of the error that names it. */
        default String maxBatchBytesReason() {
            return "the batch format's limit";
        }

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

        /**
         * True for a partition whose log is written through another system's client that encodes records itself
         * (Kafka's producer): producers then hand it their messages as they were sent ({@link #append(MessageBatch,
         * Acks, AppendCallback)}) and never encode a {@link RecordBatch} for it. False by default.
         */
        default boolean appendsMessages() {
            return false;
        }

        /**
         * Appends a batch's messages, unencoded, under the same contract as {@link #append(RecordBatch, Acks,
         * AppendCallback)} (the producer id and sequences are not there: such a target dedupes resends its own way, or
         * not at all). Called only when {@link #appendsMessages()}.
         */
        default void append(MessageBatch messages, Acks acks, AppendCallback callback) {
            callback.failed(new UnsupportedOperationException(tp() + " appends encoded batches only"));
        }

        /** Counts key and value bytes of an acknowledged batch, for the bytes-in meter. */
        void countBytesIn(long bytes);
    }

    /** Told when a batch is appended (with its base offset, or each record's offset) or has failed. */
    interface AppendCallback {
        /** Appended: the batch's records at {@code baseOffset}, {@code baseOffset + 1}, ... */
        void appended(long baseOffset);

        /**
         * Appended, record {@code i} of the batch at {@code offsets[i]}: for a target that appends a batch's records
         * one by one into a log other writers share, so that their offsets need not be consecutive (Kafka, where
         * another producer's records may come between them). A callback that only needs where the batch begins may
         * keep this default.
         */
        default void appendedAt(long[] offsets) {
            appended(offsets.length == 0 ? -1 : offsets[0]);
        }

        void failed(Throwable error);
    }
}
