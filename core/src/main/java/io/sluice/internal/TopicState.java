package io.sluice.internal;

import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;
import io.sluice.spi.SendTarget;

/** A topic in the engine: its spec and partitions. */
final class TopicState implements SendTarget.Topic {
    final TopicSpec spec;
    final PartitionState[] partitions;
    final Timer sendLatency;

    TopicState(TopicSpec spec, PartitionState[] partitions, Timer sendLatency) {
        this.spec = spec;
        this.partitions = partitions;
        this.sendLatency = sendLatency;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public int partitionCount() {
        return partitions.length;
    }

    @Override
    public long maxBatchRecords() {
        return spec.maxBacklog();
    }

    @Override
    public SendTarget.Partition partition(int index) {
        return partitions[index];
    }

    @Override
    public void recordSendLatency(long nanos) {
        sendLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
