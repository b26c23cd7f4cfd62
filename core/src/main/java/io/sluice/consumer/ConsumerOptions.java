package io.sluice.consumer;

import io.sluice.check.Check;
import io.sluice.partition.Assignor;
import io.sluice.partition.Assignors;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import reactor.util.retry.Retry;

/**
 * How a {@link Consumer} joins its group, reads and processes. Immutable: every setter returns a copy
 * and names the argument it rejects.
 *
 * <table>
 * <caption>The knobs and what they trade</caption>
 * <tr><th>option</th><th>default</th><th>trade</th></tr>
 * <tr><td>{@link #prefetch}</td><td>512</td><td>records read ahead of demand: throughput vs. memory and redelivery on rebalance</td></tr>
 * <tr><td>{@link #concurrency}</td><td>1</td><td>handlers running at once in {@code process}</td></tr>
 * <tr><td>{@link #ordering}</td><td>{@link Ordering#PER_PARTITION}</td><td>order kept under concurrency vs. parallelism</td></tr>
 * <tr><td>{@link #keyBacklog}</td><td>4,096</td><td>records {@code process} holds behind keys (or partitions) whose handler
 *     runs: how long a slow or stalled key may run behind the others vs. memory and redelivery on rebalance</td></tr>
 * <tr><td>{@link #assignor}</td><td>{@link Assignors#range()}</td><td>how partitions are shared among members</td></tr>
 * <tr><td>{@link #commitInterval} / {@link #commitBatchSize}</td><td>5 s / off</td><td>commit cost vs. redelivery after a crash</td></tr>
 * <tr><td>{@link #retry} / {@link #deadLetterTopic}</td><td>none / none</td><td>what {@code process} does with a failing record</td></tr>
 * </table>
 */
public final class ConsumerOptions {
    private final String group;
    private Set<String> topics = Collections.emptySet();
    private int prefetch = 512;
    private int concurrency = 1;
    private int keyBacklog = 4096;
    private Ordering ordering = Ordering.PER_PARTITION;
    private Assignor assignor = Assignors.range();
    private double weight = 1.0;
    private StartPosition startPosition = StartPosition.earliest();
    private Duration commitInterval = Duration.ofSeconds(5);
    private int commitBatchSize = 0;
    private Retry retry = null;
    private String deadLetterTopic = null;
    private String clientId = "consumer";

    private ConsumerOptions(String group) {
        this.group = group;
    }

    private ConsumerOptions(ConsumerOptions o) {
        this.group = o.group;
        this.topics = o.topics;
        this.prefetch = o.prefetch;
        this.concurrency = o.concurrency;
        this.keyBacklog = o.keyBacklog;
        this.ordering = o.ordering;
        this.assignor = o.assignor;
        this.weight = o.weight;
        this.startPosition = o.startPosition;
        this.commitInterval = o.commitInterval;
        this.commitBatchSize = o.commitBatchSize;
        this.retry = o.retry;
        this.deadLetterTopic = o.deadLetterTopic;
        this.clientId = o.clientId;
    }

    /** Options for a member of {@code group}. */
    public static ConsumerOptions create(String group) {
        return new ConsumerOptions(Check.name("group", group));
    }

    public ConsumerOptions topics(String... topics) {
        Check.notNull("topics", topics);
        return topics(List.of(topics));
    }

    public ConsumerOptions topics(Iterable<String> topics) {
        Check.notNull("topics", topics);
        Set<String> set = new LinkedHashSet<>();
        for (String t : topics) {
            set.add(Check.name("topic", t));
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("topics must name at least one topic");
        }
        ConsumerOptions c = new ConsumerOptions(this);
        c.topics = Collections.unmodifiableSet(set);
        return c;
    }

    /** The most records read ahead of downstream demand. */
    public ConsumerOptions prefetch(int records) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.prefetch = Check.positive("prefetch", records);
        return c;
    }

    /**
     * The most records {@link Consumer#process} holds behind a key (with {@link Ordering#PER_PARTITION}: a partition)
     * whose handler is running, over all keys. Records of other keys keep flowing past a slow, retrying or stalled key
     * until its records fill this backlog; then the member takes no more records until a key moves. Besides these,
     * {@code process} holds at most {@link #prefetch} records ready to start, waiting for one of the
     * {@link #concurrency} handlers.
     */
    public ConsumerOptions keyBacklog(int records) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.keyBacklog = Check.positive("keyBacklog", records);
        return c;
    }

    /** How many handlers {@link Consumer#process} runs at once. */
    public ConsumerOptions concurrency(int handlers) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.concurrency = Check.positive("concurrency", handlers);
        return c;
    }

    public ConsumerOptions ordering(Ordering ordering) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.ordering = Check.notNull("ordering", ordering);
        return c;
    }

    /** The strategy that shares partitions among members; the first member to join decides for the group. */
    public ConsumerOptions assignor(Assignor assignor) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.assignor = Check.notNull("assignor", assignor);
        return c;
    }

    /** This member's weight for {@link Assignors#weighted()}: a member of weight 2 gets twice the partitions. */
    public ConsumerOptions weight(double weight) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.weight = Check.positive("weight", weight);
        return c;
    }

    public ConsumerOptions startPosition(StartPosition position) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.startPosition = Check.notNull("startPosition", position);
        return c;
    }

    /** Commits acknowledged positions this often; {@link Duration#ZERO} turns the timer off. */
    public ConsumerOptions commitInterval(Duration interval) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.commitInterval = Check.notNegative("commitInterval", interval);
        return c;
    }

    /** Commits after this many acknowledgements; 0 turns it off. */
    public ConsumerOptions commitBatchSize(int acks) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.commitBatchSize = Check.notNegative("commitBatchSize", acks);
        return c;
    }

    /** How {@link Consumer#process} retries a failing handler, e.g. {@code Retry.backoff(5, Duration.ofMillis(50))}. */
    public ConsumerOptions retry(Retry retry) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.retry = Check.notNull("retry", retry);
        return c;
    }

    /**
     * Where {@link Consumer#process} sends a record whose attempts all failed. When the topic does not exist, the
     * first dead letter creates it with as many partitions as the topic that record came from (and the other
     * settings of {@code TopicSpec.of(topic)}); create it yourself for other settings. Over a node this takes a
     * token that may create topics; without one the dead letter fails with an {@code UnauthorizedException} that
     * says so, and {@code process} ends without acknowledging the record.
     */
    public ConsumerOptions deadLetterTopic(String topic) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.deadLetterTopic = Check.name("deadLetterTopic", topic);
        return c;
    }

    public ConsumerOptions clientId(String clientId) {
        ConsumerOptions c = new ConsumerOptions(this);
        c.clientId = Check.name("clientId", clientId);
        return c;
    }

    public String group() {
        return group;
    }

    public Set<String> topics() {
        return topics;
    }

    public int prefetch() {
        return prefetch;
    }

    public int concurrency() {
        return concurrency;
    }

    public int keyBacklog() {
        return keyBacklog;
    }

    public Ordering ordering() {
        return ordering;
    }

    public Assignor assignor() {
        return assignor;
    }

    public double weight() {
        return weight;
    }

    public StartPosition startPosition() {
        return startPosition;
    }

    public Duration commitInterval() {
        return commitInterval;
    }

    public int commitBatchSize() {
        return commitBatchSize;
    }

    /** The retry spec, or null for none. */
    public Retry retry() {
        return retry;
    }

    /** The dead-letter topic, or null for none. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public String clientId() {
        return clientId;
    }

    @Override
    public String toString() {
        return "ConsumerOptions{group=" + group + ", topics=" + topics + ", prefetch=" + prefetch + ", concurrency=" + concurrency
                + ", keyBacklog=" + keyBacklog + ", ordering=" + ordering + ", assignor=" + assignor + ", weight=" + weight + ", startPosition=" + startPosition
                + ", commitInterval=" + commitInterval + ", commitBatchSize=" + commitBatchSize + ", retry=" + retry
                + ", deadLetterTopic=" + deadLetterTopic + "}";
    }
}
