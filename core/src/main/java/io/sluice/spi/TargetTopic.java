package io.sluice.spi;

import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SendTarget.Topic} as every target has made one so far: a {@link TopicSpec}, one partition per index, and
 * the send-latency timer of the topic. The embedded engine's topics and the Netty client's are this, each with its
 * own partition type {@code P}; a target whose topics need more subclasses it.
 *
 * <p>It is immutable: a target that changes a topic (a new spec, more partitions) makes a new one, and producers
 * that already hold the old one keep sending to it.
 */
public class TargetTopic<P extends SendTarget.Partition> implements SendTarget.Topic {
    private final TopicSpec spec;
    private final P[] partitions;
    private final List<P> partitionList;
    private final Timer sendLatency;

    /** {@code partitions[i]} is partition {@code i}; the array is not copied, and MUST NOT change afterwards. */
    public TargetTopic(TopicSpec spec, P[] partitions, Timer sendLatency) {
        this.spec = spec;
        this.partitions = partitions;
        this.partitionList = Collections.unmodifiableList(Arrays.asList(partitions));
        this.sendLatency = sendLatency;
    }

    public TopicSpec spec() {
        return spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public int partitionCount() {
        return partitions.length;
    }

    /** The topic's backlog bound: a batch of more records could never fit. */
    @Override
    public long maxBatchRecords() {
        return spec.maxBacklog();
    }

    @Override
    public P partition(int index) {
        return partitions[index];
    }

    /** Every partition, in index order (a view, made once). */
    public List<P> partitions() {
        return partitionList;
    }

    @Override
    public void recordSendLatency(long nanos) {
        sendLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
