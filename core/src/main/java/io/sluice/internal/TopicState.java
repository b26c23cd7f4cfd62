package io.sluice.internal;

import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;
import io.sluice.spi.TargetTopic;

/**
 * A topic in the engine: the SPI's {@link TargetTopic} of {@link PartitionState}s, with the spec and the partition
 * array as fields for the engine's own loops.
 */
final class TopicState extends TargetTopic<PartitionState> {
    final TopicSpec spec;
    final PartitionState[] partitions;

    TopicState(TopicSpec spec, PartitionState[] partitions, Timer sendLatency) {
        super(spec, partitions, sendLatency);
        this.spec = spec;
        this.partitions = partitions;
    }
}
