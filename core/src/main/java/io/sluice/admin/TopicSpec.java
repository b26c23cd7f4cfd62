package io.sluice.admin;

import io.sluice.check.Check;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic to create: its name, partition count, retention and overflow policy. Immutable.
 * Limits are per partition, as Kafka's are.
 *
 * <pre>{@code TopicSpec.of("orders").partitions(8).retentionRecords(1_000_000).overflow(OverflowPolicy.BACKPRESSURE)}</pre>
 */
public final class TopicSpec {
    /** Means "no limit" for the record and byte retention. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final String name;
    private int partitions = 1;
    private long retentionRecords = UNLIMITED;
    private long retentionBytes = 64L * 1024 * 1024;
    private Duration retentionAge = null;
    private OverflowPolicy overflow = OverflowPolicy.BACKPRESSURE;
    private long maxBacklog = 100_000;
    private Map<String, String> settings = Map.of();

    private TopicSpec(String name) {
        this.name = name;
    }

    private TopicSpec(TopicSpec o) {
        this.name = o.name;
        this.partitions = o.partitions;
        this.retentionRecords = o.retentionRecords;
        this.retentionBytes = o.retentionBytes;
        this.retentionAge = o.retentionAge;
        this.overflow = o.overflow;
        this.maxBacklog = o.maxBacklog;
        this.settings = o.settings;
    }

    /** A topic of one partition, 64 MiB retained per partition, {@code BACKPRESSURE} beyond 100,000 unconsumed records. */
    public static TopicSpec of(String name) {
        return new TopicSpec(Check.name("topic", name));
    }

    public TopicSpec partitions(int partitions) {
        TopicSpec c = new TopicSpec(this);
        c.partitions = Check.positive("partitions", partitions);
        if (partitions > 10_000) {
            throw new IllegalArgumentException("partitions must be <= 10000, was " + partitions);
        }
        return c;
    }

    /** Keeps at least this many of the newest records per partition; older whole batches go. */
    public TopicSpec retentionRecords(long records) {
        TopicSpec c = new TopicSpec(this);
        c.retentionRecords = Check.positive("retentionRecords", records);
        return c;
    }

    /** Keeps at most about this many bytes of batches per partition (at least the newest batch). */
    public TopicSpec retentionBytes(long bytes) {
        TopicSpec c = new TopicSpec(this);
        c.retentionBytes = Check.positive("retentionBytes", bytes);
        return c;
    }

    /** Drops batches whose newest record is older than this; null keeps them regardless of age. */
    public TopicSpec retentionAge(Duration age) {
        TopicSpec c = new TopicSpec(this);
        c.retentionAge = age == null ? null : Check.positive("retentionAge", age);
        return c;
    }

    public TopicSpec overflow(OverflowPolicy policy) {
        TopicSpec c = new TopicSpec(this);
        c.overflow = Check.notNull("overflow", policy);
        return c;
    }

    /** The most records per partition the slowest group may have outstanding (see {@link OverflowPolicy}). */
    public TopicSpec maxBacklog(long records) {
        TopicSpec c = new TopicSpec(this);
        c.maxBacklog = Check.positive("maxBacklog", records);
        return c;
    }

    /**
     * A setting of the system that keeps the topic, under that system's own name: on Kafka ({@code sluice-kafka})
     * {@code replication.factor} and any topic config, e.g. {@code min.insync.replicas}. The embedded engine and a
     * node have no such settings and refuse a spec that carries one, naming it.
     *
     * <pre>{@code TopicSpec.of("orders").partitions(8).setting("replication.factor", "3").setting("min.insync.replicas", "2")}</pre>
     */
    public TopicSpec setting(String name, String value) {
        Check.notNull("setting name", name);
        if (name.isBlank()) {
            throw new IllegalArgumentException("setting name must not be blank");
        }
        Check.notNull("value of setting '" + name + "'", value);
        TopicSpec c = new TopicSpec(this);
        Map<String, String> m = new TreeMap<>(settings);
        m.put(name, value);
        c.settings = Collections.unmodifiableMap(m);
        return c;
    }

    /** The settings given with {@link #setting}, sorted by name; empty by default. */
    public Map<String, String> settings() {
        return settings;
    }

    public String name() {
        return name;
    }

    public int partitions() {
        return partitions;
    }

    public long retentionRecords() {
        return retentionRecords;
    }

    public long retentionBytes() {
        return retentionBytes;
    }

    /** The age limit, or null. */
    public Duration retentionAge() {
        return retentionAge;
    }

    public OverflowPolicy overflow() {
        return overflow;
    }

    public long maxBacklog() {
        return maxBacklog;
    }

    @Override
    public String toString() {
        return "TopicSpec{" + name + ", partitions=" + partitions + ", retentionRecords=" + retentionRecords
                + ", retentionBytes=" + retentionBytes + ", retentionAge=" + retentionAge + ", overflow=" + overflow
                + ", maxBacklog=" + maxBacklog + (settings.isEmpty() ? "" : ", settings=" + settings) + "}";
    }
}
