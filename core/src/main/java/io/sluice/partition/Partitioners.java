package io.sluice.partition;

import io.sluice.check.Check;
import io.sluice.producer.OutboundMessage;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in {@link Partitioner}s. Every one is thread-safe and keeps its state (if any) per topic, so
 * one instance may serve every topic of a producer.
 */
public final class Partitioners {
    private Partitioners() {
    }

    /**
     * Cycles through the partitions 0, 1, 2, ... of each topic, ignoring keys. The most even spread,
     * record by record, at the cost of one atomic increment per record and small batches: consecutive
     * records never share a batch.
     */
    public static Partitioner roundRobin() {
        return new RoundRobin();
    }

    /**
     * Picks a partition uniformly at random, ignoring keys. Stateless and contention-free; even only on
     * average, and like {@link #roundRobin()} it spreads consecutive records over different batches.
     */
    public static Partitioner random() {
        return new RandomPartitioner();
    }

    /**
     * Smooth weighted round-robin, ignoring keys: partition {@code i} receives the share
     * {@code weights[i] / sum(weights)} of each topic's records, exactly over any long run and
     * interleaved rather than in bursts. Deterministic. Costs a short per-topic lock and a pass over the
     * weights per record. Every topic it serves must have exactly {@code weights.length} partitions.
     *
     * @param weights one finite, positive weight per partition
     * @throws IllegalArgumentException if {@code weights} is null or empty, or a weight is not a finite
     *                                  number &gt; 0 (the message names its index)
     */
    public static Partitioner weighted(double... weights) {
        Check.notNull("weights", weights);
        if (weights.length == 0) {
            throw new IllegalArgumentException("weights must not be empty");
        }
        double[] copy = weights.clone();
        double sum = 0;
        for (int i = 0; i < copy.length; i++) {
            sum += Check.positive("weights[" + i + "]", copy[i]);
        }
        if (Double.isInfinite(sum)) {
            throw new IllegalArgumentException("weights must have a finite sum, was " + sum);
        }
        return new Weighted(copy);
    }

    /**
     * Sends every record of a topic to one partition until the producer closes that partition's batch
     * ({@link Partitioner#onBatchClosed}), then moves to another partition chosen at random. Ignores keys.
     * Gives full batches (fewer requests, better compression) and an even spread over time, but not
     * record by record.
     */
    public static Partitioner sticky() {
        return new Sticky();
    }

    /**
     * Kafka's default: a record with a key goes to {@code (murmur2(key) & 0x7fffffff) % partitions}, so a
     * key always lands on the same partition (per-key order), across JVMs and compatibly with Kafka
     * clients, as long as the partition count does not change; records without a key are spread like
     * {@link #sticky()}. Skewed keys give skewed partitions.
     */
    public static Partitioner keyHash() {
        return new KeyHash();
    }

    /**
     * Kafka's variant of MurmurHash2 (seed {@code 0x9747b28c}), as used by its default partitioner:
     * {@code murmur2("foobar".getBytes(UTF_8)) == -790332482}.
     *
     * @param data the bytes to hash, not null
     * @return the 32-bit hash, possibly negative
     */
    public static int murmur2(byte[] data) {
        Check.notNull("data", data);
        final int m = 0x5bd1e995;
        final int r = 24;
        final int length = data.length;
        int h = 0x9747b28c ^ length;

        int blocks = length >>> 2;
        for (int b = 0; b < blocks; b++) {
            int at = b << 2;
            int k = (data[at] & 0xff)
                    | (data[at + 1] & 0xff) << 8
                    | (data[at + 2] & 0xff) << 16
                    | (data[at + 3] & 0xff) << 24;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        int tail = blocks << 2;
        int left = length & 3;
        if (left > 0) {
            if (left == 3) {
                h ^= (data[tail + 2] & 0xff) << 16;
            }
            if (left >= 2) {
                h ^= (data[tail + 1] & 0xff) << 8;
            }
            h ^= data[tail] & 0xff;
            h *= m;
        }

        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }

    /** Kafka's {@code toPositive}: clears the sign bit (unlike {@code Math.abs}, never negative). */
    static int toPositive(int n) {
        return n & 0x7fffffff;
    }

    private static final class RoundRobin implements Partitioner {
        private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

        @Override
        public int partition(OutboundMessage<?> message, int partitions) {
            Check.positive("partitions", partitions);
            String topic = message.topic();
            AtomicLong counter = counters.get(topic);
            if (counter == null) {
                counter = counters.computeIfAbsent(topic, t -> new AtomicLong());
            }
            return (int) Math.floorMod(counter.getAndIncrement(), (long) partitions);
        }

        @Override
        public String toString() {
            return "roundRobin";
        }
    }

    private static final class RandomPartitioner implements Partitioner {
        @Override
        public int partition(OutboundMessage<?> message, int partitions) {
            Check.positive("partitions", partitions);
            return ThreadLocalRandom.current().nextInt(partitions);
        }

        @Override
        public String toString() {
            return "random";
        }
    }

    private static final class Weighted implements Partitioner {
        private final double[] weights;
        private final ConcurrentHashMap<String, Credits> states = new ConcurrentHashMap<>();

        Weighted(double[] weights) {
            this.weights = weights;
        }

        @Override
        public int partition(OutboundMessage<?> message, int partitions) {
            String topic = message.topic();
            if (partitions != weights.length) {
                throw new IllegalArgumentException("weighted partitioner has " + weights.length
                        + " weights but topic " + topic + " has " + partitions + " partitions");
            }
            Credits credits = states.get(topic);
            if (credits == null) {
                credits = states.computeIfAbsent(topic, t -> new Credits(weights.length));
            }
            return credits.next(weights);
        }

        @Override
        public String toString() {
            return "weighted" + Arrays.toString(weights);
        }
    }

    /**
     * One topic's state for smooth weighted round-robin: every pick adds each partition's weight to its
     * credit, takes the partition with the most credit (lowest index on ties) and charges it the sum of
     * the weights. Credits always sum to zero, so they stay bounded and the picks track the weights exactly.
     * Guarded by its own monitor: held for one pass over the weights, never while waiting on anything.
     */
    private static final class Credits {
        private final double[] credit;

        Credits(int partitions) {
            this.credit = new double[partitions];
        }

        synchronized int next(double[] weights) {
            int best = 0;
            double sum = 0;
            for (int i = 0; i < credit.length; i++) {
                double c = credit[i] + weights[i];
                credit[i] = c;
                sum += c;
                if (c > credit[best]) {
                    best = i;
                }
            }
            // In exact arithmetic sum == sum(weights); charging the measured sum instead keeps rounding errors
            // from accumulating over billions of picks.
            credit[best] -= sum;
            return best;
        }
    }

    /**
     * Per-topic sticky choice, lock-free: a non-negative value is the current partition; {@code -1} means
     * none chosen yet; {@code -(p + 2)} means the batch of {@code p} was closed and the next record must
     * go elsewhere.
     */
    private static final class Sticky implements Partitioner {
        private static final int NONE = -1;

        private final ConcurrentHashMap<String, AtomicInteger> current = new ConcurrentHashMap<>();

        @Override
        public int partition(OutboundMessage<?> message, int partitions) {
            return partition(message.topic(), partitions);
        }

        int partition(String topic, int partitions) {
            Check.positive("partitions", partitions);
            AtomicInteger state = current.get(topic);
            if (state == null) {
                state = current.computeIfAbsent(topic, t -> new AtomicInteger(NONE));
            }
            while (true) {
                int value = state.get();
                if (value >= 0 && value < partitions) {
                    return value;
                }
                int avoid = value <= -2 ? -(value + 2) : NONE;
                int next = pick(partitions, avoid);
                if (state.compareAndSet(value, next)) {
                    return next;
                }
            }
        }

        /** A random partition, other than {@code avoid} when there is a choice. */
        private static int pick(int partitions, int avoid) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (avoid < 0 || avoid >= partitions || partitions == 1) {
                return random.nextInt(partitions);
            }
            int p = random.nextInt(partitions - 1);
            return p >= avoid ? p + 1 : p;
        }

        @Override
        public void onBatchClosed(String topic, int partition) {
            AtomicInteger state = current.get(topic);
            if (state != null && partition >= 0) {
                // Only the current partition's batch moves us on; a late close of an older one is ignored.
                state.compareAndSet(partition, -(partition + 2));
            }
        }

        @Override
        public String toString() {
            return "sticky";
        }
    }

    private static final class KeyHash implements Partitioner {
        private final Sticky unkeyed = new Sticky();

        @Override
        public int partition(OutboundMessage<?> message, int partitions) {
            Check.positive("partitions", partitions);
            byte[] key = message.key();
            if (key == null) {
                return unkeyed.partition(message.topic(), partitions);
            }
            return toPositive(murmur2(key)) % partitions;
        }

        @Override
        public void onBatchClosed(String topic, int partition) {
            unkeyed.onBatchClosed(topic, partition);
        }

        @Override
        public String toString() {
            return "keyHash";
        }
    }
}
