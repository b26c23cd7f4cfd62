package io.sluice.internal;

import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;
import io.sluice.spi.TargetTopic;

/** A topic in the engine: the SPI's {@link TargetTopic} of {@link PartitionState}s. */
final class TopicState extends TargetTopic<PartitionState> {

    TopicState(TopicSpec spec, PartitionState[] partitions, Timer sendLatency) {
        super(spec, partitions, sendLatency);
    }
}
