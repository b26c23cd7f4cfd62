package io.sluice.producer;

import io.sluice.check.Check;
import io.sluice.partition.Partitioner;
import io.sluice.partition.Partitioners;
import java.time.Duration;

/**
 * How a {@link Producer} batches, balances and waits. Immutable: every setter returns a copy and
 * names the argument it rejects.
 *
 * <table>
 * <caption>The knobs and what they trade</caption>
 * <tr><th>option</th><th>default</th><th>trade</th></tr>
 * <tr><td>{@link #partitioner}</td><td>{@link Partitioners#keyHash()}</td><td>order per key vs. even spread</td></tr>
 * <tr><td>{@link #batchSize}</td><td>64 KiB</td><td>bigger batches: fewer appends (throughput), more memory</td></tr>
 * <tr><td>{@link #linger}</td><td>0</td><td>waiting to fill batches: throughput at low rates vs. latency</td></tr>
 * <tr><td>{@link #maxInFlight}</td><td>5</td><td>unacknowledged batches per partition: pipelining vs. memory</td></tr>
 * <tr><td>{@link #maxPending}</td><td>32768</td><td>records held by one send: throughput vs. memory</td></tr>
 * <tr><td>{@link #acks}</td><td>{@link Acks#APPENDED}</td><td>latency vs. what an acknowledgement promises</td></tr>
 * </table>
 *
 * <p>With {@code linger} 0 an open batch closes on the next turn of the engine's sender thread, as with
 * Kafka's {@code linger.ms=0}: records that arrive before it gets there join the batch, so batches grow by
 * themselves under load, and a lone record waits only one thread hand-off. A linger of a millisecond or two
 * makes batches of hundreds of records at high rates, far fewer appends and wake-ups, and so much higher
 * throughput, for that much latency (see {@code benchmarks/RESULTS.md}).
 */
public final class ProducerOptions {
    private Partitioner partitioner = Partitioners.keyHash();
    private int batchSize = 64 * 1024;
    private Duration linger = Duration.ZERO;
    private int maxInFlight = 5;
    private int maxPending = 32768;
    private Acks acks = Acks.APPENDED;
    private String clientId = "producer";

    private ProducerOptions() {
    }

    private ProducerOptions(ProducerOptions o) {
        this.partitioner = o.partitioner;
        this.batchSize = o.batchSize;
        this.linger = o.linger;
        this.maxInFlight = o.maxInFlight;
        this.maxPending = o.maxPending;
        this.acks = o.acks;
        this.clientId = o.clientId;
    }

    public static ProducerOptions create() {
        return new ProducerOptions();
    }

    /** The strategy for records that do not fix their partition. */
    public ProducerOptions partitioner(Partitioner partitioner) {
        ProducerOptions c = new ProducerOptions(this);
        c.partitioner = Check.notNull("partitioner", partitioner);
        return c;
    }

    /** The most bytes of encoded records per batch (a single bigger record still makes a batch of its own). */
    public ProducerOptions batchSize(int bytes) {
        ProducerOptions c = new ProducerOptions(this);
        c.batchSize = Check.positive("batchSize", bytes);
        return c;
    }

    /** How long an open batch waits for more records before it is appended; 0: on the sender thread's next turn. */
    public ProducerOptions linger(Duration linger) {
        ProducerOptions c = new ProducerOptions(this);
        c.linger = Check.notNegative("linger", linger);
        return c;
    }

    /** The most batches per partition appended but not yet acknowledged. */
    public ProducerOptions maxInFlight(int batches) {
        ProducerOptions c = new ProducerOptions(this);
        c.maxInFlight = Check.positive("maxInFlight", batches);
        return c;
    }

    /** The most records one {@code send} holds between taking them from upstream and emitting their results. */
    public ProducerOptions maxPending(int records) {
        ProducerOptions c = new ProducerOptions(this);
        c.maxPending = Check.positive("maxPending", records);
        return c;
    }

    public ProducerOptions acks(Acks acks) {
        ProducerOptions c = new ProducerOptions(this);
        c.acks = Check.notNull("acks", acks);
        return c;
    }

    /** A name for logs and meters. */
    public ProducerOptions clientId(String clientId) {
        ProducerOptions c = new ProducerOptions(this);
        c.clientId = Check.notBlank("clientId", clientId);
        return c;
    }

    public Partitioner partitioner() {
        return partitioner;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration linger() {
        return linger;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public int maxPending() {
        return maxPending;
    }

    public Acks acks() {
        return acks;
    }

    public String clientId() {
        return clientId;
    }

    @Override
    public String toString() {
        return "ProducerOptions{partitioner=" + partitioner + ", batchSize=" + batchSize + ", linger=" + linger
                + ", maxInFlight=" + maxInFlight + ", maxPending=" + maxPending + ", acks=" + acks + ", clientId=" + clientId + "}";
    }
}
