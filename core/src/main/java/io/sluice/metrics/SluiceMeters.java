package io.sluice.metrics;

/**
 * The meters an engine registers on its {@code MeterRegistry}, all tagged with {@code node} (the engine's name).
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 * <tr><td>{@value #RECORDS_IN}</td><td>counter</td><td>topic</td><td>records appended to the topic</td></tr>
 * <tr><td>{@value #BYTES_IN}</td><td>counter</td><td>topic</td><td>key and value bytes appended</td></tr>
 * <tr><td>{@value #RECORDS_OUT}</td><td>counter</td><td>topic, group</td><td>records delivered to the group's members (redeliveries too)</td></tr>
 * <tr><td>{@value #BYTES_OUT}</td><td>counter</td><td>topic, group</td><td>key and value bytes delivered</td></tr>
 * <tr><td>{@value #RECORDS_DROPPED}</td><td>counter</td><td>topic</td><td>records skipped by {@code DROP_OLDEST} or evicted by retention before a group read them</td></tr>
 * <tr><td>{@value #SEND_LATENCY}</td><td>timer (percentile histogram)</td><td>topic</td><td>batch closed to acknowledged</td></tr>
 * <tr><td>{@value #E2E_LATENCY}</td><td>timer (percentile histogram)</td><td>topic, group</td><td>record timestamp to acknowledgement, sampled: records whose offset is a multiple of 16</td></tr>
 * <tr><td>{@value #CONSUMER_LAG}</td><td>gauge</td><td>topic, partition, group</td><td>end offset minus committed offset</td></tr>
 * <tr><td>{@value #BACKLOG}</td><td>gauge</td><td>topic, partition</td><td>records the slowest group has not acknowledged</td></tr>
 * <tr><td>{@value #RETRIES}</td><td>counter</td><td>topic, group</td><td>handler attempts retried by {@code process}</td></tr>
 * <tr><td>{@value #DEAD_LETTERS}</td><td>counter</td><td>topic, group</td><td>records sent to the dead-letter topic</td></tr>
 * <tr><td>{@value #REBALANCES}</td><td>counter</td><td>group</td><td>rebalances (generations)</td></tr>
 * <tr><td>{@value #STORE_APPEND_LATENCY}</td><td>timer</td><td>store</td><td>batch handed to the store to stored</td></tr>
 * <tr><td>{@value #STORE_APPEND_FAILURES}</td><td>counter</td><td>store</td><td>batch writes the store failed (each such batch is
 * stored again by the engine, its acknowledgement held meanwhile; repair attempts are not counted)</td></tr>
 * <tr><td>{@value #STORE_BATCH_RECORDS}</td><td>distribution summary</td><td>store</td><td>records per appended batch</td></tr>
 * <tr><td>{@value #CONSUMER_BUFFERED}</td><td>distribution summary</td><td>group</td><td>records a client's member holds that its subscriber
 * has not taken yet, at each arrival (a node's client, a Kafka member): its max is the high-water mark, at most the prefetch</td></tr>
 * </table>
 *
 * <p>Latency timers publish percentile histograms (fixed buckets: a backend such as Prometheus computes any
 * quantile from them) rather than client-side percentiles, which record into an HdrHistogram that may
 * {@code Thread.yield()} on a non-blocking thread. Why the end-to-end timer samples: even a histogram timer
 * costs about 80 ns a record (measured, Micrometer 1.17), a large share of the delivery path, so the engine
 * records one record in 16, chosen by offset so that the sample is unbiased and needs no shared state.
 * Exact counts are in {@value #RECORDS_OUT}.
 */
public final class SluiceMeters {
    public static final String RECORDS_IN = "sluice.records.in";
    public static final String BYTES_IN = "sluice.bytes.in";
    public static final String RECORDS_OUT = "sluice.records.out";
    public static final String BYTES_OUT = "sluice.bytes.out";
    public static final String RECORDS_DROPPED = "sluice.records.dropped";
    public static final String SEND_LATENCY = "sluice.send.latency";
    public static final String E2E_LATENCY = "sluice.e2e.latency";
    public static final String CONSUMER_LAG = "sluice.consumer.lag";
    public static final String BACKLOG = "sluice.topic.backlog";
    public static final String RETRIES = "sluice.consumer.retries";
    public static final String DEAD_LETTERS = "sluice.consumer.dead.letters";
    public static final String REBALANCES = "sluice.group.rebalances";
    public static final String STORE_APPEND_LATENCY = "sluice.store.append.latency";
    public static final String STORE_APPEND_FAILURES = "sluice.store.append.failures";
    public static final String STORE_BATCH_RECORDS = "sluice.store.batch.records";
    public static final String CONSUMER_BUFFERED = "sluice.consumer.buffered";

    public static final String TAG_NODE = "node";
    public static final String TAG_TOPIC = "topic";
    public static final String TAG_PARTITION = "partition";
    public static final String TAG_GROUP = "group";
    public static final String TAG_STORE = "store";

    private SluiceMeters() {
    }
}
