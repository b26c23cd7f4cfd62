package io.sluice.spi;

import io.sluice.log.RecordBatch;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A batch a {@link RecordAccumulator} closed, on its way: appended, then acknowledged, then emitted as results by its
 * owner, one per record, with the records' correlations and timestamps kept for that.
 */
final class ProducerBatch implements SendTarget.AppendCallback {
    final RecordAccumulator.Results owner;
    final PartitionBatches acc;
    /** The encoded batch, or null when the partition appends {@link #messages}. */
    final RecordBatch batch;
    /** The batch's messages when the partition appends them unencoded, else null. */
    final MessageBatch messages;
    final Object[] correlations;
    final long[] timestamps;
    final int count;
    final long bytes;
    final long closedAtNanos = System.nanoTime();
    volatile long baseOffset;
    /** Each record's offset, when the target reported them one by one ({@link #appendedAt}); else null. */
    volatile long[] offsets;
    volatile Throwable error;
    boolean completed;
    /** 1 once the target answered: a second answer (an append that answered, then threw) is ignored. */
    private volatile int answered;
    private static final AtomicIntegerFieldUpdater<ProducerBatch> ANSWERED =
            AtomicIntegerFieldUpdater.newUpdater(ProducerBatch.class, "answered");

    ProducerBatch(RecordAccumulator.Results owner, PartitionBatches acc, RecordBatch batch, MessageBatch messages, Object[] correlations, long[] timestamps, int count, long bytes) {
        this.owner = owner;
        this.acc = acc;
        this.batch = batch;
        this.messages = messages;
        this.correlations = correlations;
        this.timestamps = timestamps;
        this.count = count;
        this.bytes = bytes;
    }

    @Override
    public void appended(long base) {
        if (!ANSWERED.compareAndSet(this, 0, 1)) {
            return;
        }
        baseOffset = base;
        acc.partition.countBytesIn(bytes);
        owner.completed(this);
    }

    @Override
    public void appendedAt(long[] recordOffsets) {
        if (!ANSWERED.compareAndSet(this, 0, 1)) {
            return;
        }
        offsets = recordOffsets;
        baseOffset = recordOffsets.length == 0 ? -1 : recordOffsets[0];
        acc.partition.countBytesIn(bytes);
        owner.completed(this);
    }

    /** The offset of the batch's record {@code i}. */
    long offset(int i) {
        long[] each = offsets;
        return each != null ? each[i] : baseOffset + i;
    }

    @Override
    public void failed(Throwable e) {
        if (!ANSWERED.compareAndSet(this, 0, 1)) {
            return;
        }
        error = e;
        owner.completed(this);
    }
}
