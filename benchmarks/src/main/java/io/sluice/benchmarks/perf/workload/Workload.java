package io.sluice.benchmarks.perf.workload;

import io.sluice.producer.Acks;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One workload: what to send (record size, how many or for how long, at what rate) and the knobs of the
 * system under test. Immutable; every target runs the same workload. Validation messages name the
 * {@code sluice-perf} option that sets the bad value.
 *
 * @param recordSize  bytes per record value, at least {@link Payload#MIN_SIZE} ({@code --size})
 * @param count       records to send, or 0 to send for {@code duration} ({@code --count})
 * @param duration    how long to send when {@code count} is 0 ({@code --duration})
 * @param rate        records per second, 0 for as fast as the target accepts ({@code --rate})
 * @param partitions  topic partitions ({@code --partitions}); targets without partitions ignore it
 * @param producers   producing clients ({@code --producers})
 * @param consumers   consuming clients ({@code --consumers})
 * @param prefetch    records a consumer reads ahead of demand ({@code --prefetch})
 * @param concurrency handlers per consumer ({@code --concurrency})
 * @param batchSize   producer batch size in bytes ({@code --batch-size})
 * @param linger      how long a producer batch waits to fill ({@code --linger})
 * @param partitioner producer partitioning strategy ({@code --partitioner})
 * @param acks        acknowledgement level ({@code --acks})
 * @param maxBacklog  unconsumed records a partition holds before producers wait ({@code --max-backlog})
 * @param keys        distinct record keys, spread uniformly over the records, or 0 for keyless records
 *                    ({@code --keys}); see {@link Keys}
 * @param groups      consumer groups, each with {@code consumers} members and each receiving every record
 *                    ({@code --groups})
 * @param ownDefaults the knobs the user left unset: there every target runs its own documented default (Kafka 4's
 *                    {@code linger.ms=5}, {@code batch.size=16384}, {@code max.poll.records=500}; nats bench's batches
 *                    of 500; ...), and {@link #batchSize}, {@link #linger}, {@link #prefetch} hold Sluice's own
 *                    defaults. Each target says in its result's details what it ran with.
 * @param profile     a rate that changes over the run ({@code --profile}), or null for {@code rate} throughout: with one,
 *                    {@code duration} is the profile's and {@code rate} its mean rate
 */
public record Workload(int recordSize, long count, Duration duration, long rate, int partitions, int producers,
                       int consumers, int prefetch, int concurrency, int batchSize, Duration linger,
                       PartitionerKind partitioner, Acks acks, long maxBacklog, int keys,
                       int groups, Set<Knob> ownDefaults, LoadProfile profile) {

    /** The knobs that each target may leave at its own default when the user does not set them. */
    public enum Knob {
        /** {@code --batch-size} */
        BATCH_SIZE,
        /** {@code --linger} */
        LINGER,
        /** {@code --prefetch} */
        PREFETCH
    }

    /** The largest value size accepted. */
    public static final int MAX_RECORD_SIZE = 64 * 1024 * 1024;
    /** The most records one run can send: the reliability tally indexes a bit set by sequence number. */
    public static final long MAX_RECORDS = Integer.MAX_VALUE;
    /** The most distinct keys: the tally keeps one order lane per key. */
    public static final int MAX_KEYS = 1_000_000;
    /** The most consumer groups. */
    public static final int MAX_GROUPS = 100;

    public Workload {
        if (recordSize < Payload.MIN_SIZE || recordSize > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException("--size must be between " + Payload.MIN_SIZE + " (room for the sequence number and"
                    + " send time) and " + MAX_RECORD_SIZE + " bytes, was " + recordSize);
        }
        if (count < 0 || count > MAX_RECORDS) {
            throw new IllegalArgumentException("--count must be between 1 and " + MAX_RECORDS + ", was " + count);
        }
        Objects.requireNonNull(duration, "duration");
        if (count == 0 && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive, was " + duration);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be >= 0 (0 = unlimited), was " + rate);
        }
        if (partitions < 1 || partitions > 10_000) {
            throw new IllegalArgumentException("--partitions must be between 1 and 10000, was " + partitions);
        }
        positive("--producers", producers);
        positive("--consumers", consumers);
        positive("--prefetch", prefetch);
        positive("--concurrency", concurrency);
        positive("--batch-size", batchSize);
        Objects.requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("--linger must be >= 0, was " + linger);
        }
        Objects.requireNonNull(partitioner, "partitioner");
        Objects.requireNonNull(acks, "acks");
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("--max-backlog must be >= 1, was " + maxBacklog);
        }
        if (keys < 0 || keys > MAX_KEYS) {
            throw new IllegalArgumentException("--keys must be between 0 (keyless records) and " + MAX_KEYS + ", was " + keys);
        }
        if (groups < 1 || groups > MAX_GROUPS) {
            throw new IllegalArgumentException("--groups must be between 1 and " + MAX_GROUPS + ", was " + groups);
        }
        ownDefaults = ownDefaults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ownDefaults));
        if (profile != null && (count != 0 || !duration.equals(profile.duration()) || rate != profile.meanRate())) {
            throw new IllegalArgumentException("--profile " + profile.spec() + " sets the run's rate and length: it cannot be"
                    + " combined with --count, --duration or --rate");
        }
    }

    /** True when the user left {@code knob} unset, so that each target runs its own default there. */
    public boolean ownDefault(Knob knob) {
        return ownDefaults.contains(knob);
    }

    /**
     * The most records the harness lets be sent but not yet received, for every target alike: {@link #maxBacklog}
     * per partition, times the partitions. At an unlimited rate every producer runs until it meets this bound (or its
     * own system's, if that comes first), so that throughput and latency compare like with like.
     */
    public long inFlightLimit() {
        return Math.multiplyExact(maxBacklog, (long) partitions);
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, was " + value);
        }
    }

    /** The defaults of {@code sluice-perf}: 100-byte records for 10 s, unlimited rate, 4 partitions. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this workload's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when the run sends {@link #count()} records rather than running for {@link #duration()}. */
    public boolean countBased() {
        return count > 0;
    }

    /** This workload sending for {@code time} instead (the warm-up phase). */
    public Workload forDuration(Duration time) {
        return toBuilder().profile(null).count(0).duration(time).build(); // a profile's mean rate, throughout
    }

    /** One line for humans, e.g. {@code 100 B x 2,000,000 records, unlimited rate, 4 partitions, ...}. */
    public String describe() {
        String amount = countBased() ? String.format(java.util.Locale.ROOT, "%,d records", count) : "for " + Durations.format(duration);
        String r = rate == 0 ? "unlimited rate" : String.format(java.util.Locale.ROOT, "%,d msgs/s", rate);
        if (profile != null) {
            amount = profile.describe();
            r = "paced by the profile";
        }
        return String.format(java.util.Locale.ROOT,
                "%d B records %s, %s, %d partitions, %d producer(s), %d consumer(s), prefetch %s, concurrency %d,"
                        + " batch %s, linger %s, partitioner %s, acks %s, max backlog %,d (at most %,d records in flight),"
                        + " %s, %d group(s)",
                recordSize, amount, r, partitions, producers, consumers,
                ownDefault(Knob.PREFETCH) ? "each target's default" : Integer.toString(prefetch), concurrency,
                ownDefault(Knob.BATCH_SIZE) ? "each target's default" : batchSize + " B",
                ownDefault(Knob.LINGER) ? "each target's default" : Durations.format(linger), partitioner.cliName(),
                acks.name().toLowerCase(Locale.ROOT), maxBacklog, inFlightLimit(),
                keys == 0 ? "keyless" : String.format(java.util.Locale.ROOT, "%,d keys", keys), groups);
    }

    /** Builds a {@link Workload}; {@link #build()} validates. */
    public static final class Builder {
        private int recordSize = 100;
        private long count = 0;
        private Duration duration = Duration.ofSeconds(10);
        private long rate = 0;
        private int partitions = 4;
        private int producers = 1;
        private int consumers = 1;
        private int prefetch = 512;
        private int concurrency = 1;
        private int batchSize = 64 * 1024;
        private Duration linger = Duration.ZERO;
        private PartitionerKind partitioner = PartitionerKind.KEY_HASH;
        private Acks acks = Acks.APPENDED;
        private long maxBacklog = io.sluice.admin.TopicSpec.of("defaults").maxBacklog(); // the engine's default
        private int keys = 0;
        private int groups = 1;
        private final EnumSet<Knob> ownDefaults = EnumSet.noneOf(Knob.class);
        private LoadProfile profile;

        private Builder() {
        }

        private Builder(Workload w) {
            recordSize = w.recordSize;
            count = w.count;
            duration = w.duration;
            rate = w.rate;
            partitions = w.partitions;
            producers = w.producers;
            consumers = w.consumers;
            prefetch = w.prefetch;
            concurrency = w.concurrency;
            batchSize = w.batchSize;
            linger = w.linger;
            partitioner = w.partitioner;
            acks = w.acks;
            maxBacklog = w.maxBacklog;
            keys = w.keys;
            groups = w.groups;
            ownDefaults.addAll(w.ownDefaults);
            profile = w.profile;
        }

        public Builder recordSize(int bytes) {
            this.recordSize = bytes;
            return this;
        }

        /** Records to send; 0 sends for {@link #duration(Duration)} instead. */
        public Builder count(long records) {
            this.count = records;
            return this;
        }

        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder rate(long perSecond) {
            this.rate = perSecond;
            return this;
        }

        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        public Builder producers(int producers) {
            this.producers = producers;
            return this;
        }

        public Builder consumers(int consumers) {
            this.consumers = consumers;
            return this;
        }

        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            ownDefaults.remove(Knob.PREFETCH);
            return this;
        }

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public Builder batchSize(int bytes) {
            this.batchSize = bytes;
            ownDefaults.remove(Knob.BATCH_SIZE);
            return this;
        }

        public Builder linger(Duration linger) {
            this.linger = linger;
            ownDefaults.remove(Knob.LINGER);
            return this;
        }

        public Builder partitioner(PartitionerKind partitioner) {
            this.partitioner = partitioner;
            return this;
        }

        public Builder acks(Acks acks) {
            this.acks = acks;
            return this;
        }

        public Builder maxBacklog(long records) {
            this.maxBacklog = records;
            return this;
        }

        /** Distinct keys spread uniformly over the records; 0 sends keyless records. */
        public Builder keys(int keys) {
            this.keys = keys;
            return this;
        }

        /** Consumer groups, each receiving every record. */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /**
         * Leaves {@code knob} to each target's own default (Sluice's default value stays in the workload for the Sluice
         * targets); setting the knob's value afterwards takes it back.
         */
        public Builder ownDefault(Knob knob) {
            ownDefaults.add(knob);
            return this;
        }

        /**
         * A rate that changes over the run: it sets the duration and the (mean) rate, so it cannot be combined with a
         * count; null for none.
         */
        public Builder profile(LoadProfile profile) {
            this.profile = profile;
            return this;
        }

        public Workload build() {
            if (profile != null) {
                if (count != 0) {
                    throw new IllegalArgumentException("--profile and --count are mutually exclusive: the profile sets how"
                            + " many records are sent");
                }
                duration = profile.duration();
                rate = profile.meanRate();
            }
            return new Workload(recordSize, count, duration, rate, partitions, producers, consumers, prefetch, concurrency,
                    batchSize, linger, partitioner, acks, maxBacklog, keys, groups, ownDefaults, profile);
        }
    }
}
