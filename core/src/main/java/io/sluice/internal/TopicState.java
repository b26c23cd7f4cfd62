package io.sluice.internal;

import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;

/** A topic in the engine: its spec and partitions. */
final class TopicState {
    final TopicSpec spec;
    final PartitionState[] partitions;
    final Timer sendLatency;

    TopicState(TopicSpec spec, PartitionState[] partitions, Timer sendLatency) {
        this.spec = spec;
        this.partitions = partitions;
        this.sendLatency = sendLatency;
    }

    String name() {
        return spec.name();
    }
}
