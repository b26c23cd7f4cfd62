package io.sluice.benchmarks.perf.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.targets.peers.KafkaTarget;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.producer.Acks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sluice-kafka target, as {@code KafkaTargetIT} tests the kafka target: against the broker in a child JVM that
 * class shares ({@link SharedBroker}, the one the kafka target starts) through {@code --bootstrap} for most tests,
 * self-started end to end in one, and against nothing at all.
 */
@ExtendWith(SharedBroker.class)
class SluiceKafkaTargetIT {
    private static final int RECORDS = 20_000;
    private static final Pattern CHILD = Pattern.compile("child JVM pid (\\d+), .* data in (\\S+)");

    private static KafkaCluster broker;

    @BeforeAll
    static void broker() {
        broker = SharedBroker.broker();
    }

    private static PerfRunner runner() {
        return runner(Duration.ZERO);
    }

    private static PerfRunner runner(Duration warmup) {
        return new PerfRunner(new PerfRunner.Settings(warmup, Duration.ofSeconds(10), Duration.ofMillis(1), null));
    }

    private static RunResult run(Workload workload) {
        return runner().run(Targets.create(SluiceKafkaTarget.NAME, Peers.defaults().withBootstrap(broker.bootstrap())), workload);
    }

    private static void deliveredEveryRecordOnce(RunResult r, long records) {
        assertThat(r.error()).isNull();
        assertThat(r.sent()).isEqualTo(records);
        assertThat(r.acked()).isEqualTo(records);
        assertThat(r.received()).isEqualTo(records);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
    }

    @Test
    void atAnUnlimitedRateEveryRecordIsAcknowledgedAndReceivedOnceWithTheKafkaTargetsDefaults() {
        RunResult r = run(Workload.builder().count(RECORDS).ownDefault(Workload.Knob.BATCH_SIZE).ownDefault(Workload.Knob.LINGER)
                .ownDefault(Workload.Knob.PREFETCH).build());

        deliveredEveryRecordOnce(r, RECORDS);
        assertThat(r.reordered()).isZero();
        assertThat(r.details().get("broker")).isEqualTo("at --bootstrap " + broker.bootstrap() + " (its settings are its own)");
        assertThat(r.details().get("kafka"))
                .contains("KafkaSluice sluice-perf-").contains(" to " + broker.bootstrap())
                .contains("4 partitions, replication factor 1")
                .contains("-> acks=1, enable.idempotence=false, batch.size=16384, linger.ms=5, max.in.flight.requests.per.connection=5")
                .contains("-> max.poll.records=500");
        // Kafka's producer says what it did: one producer, batches of at most batch.size, no errors
        assertThat(r.details().get("kafka producer")).matches("sluice-perf-\\d+-\\d+-\\d+-producer-\\d+: batch-size-avg=[\\d,.]+,"
                + " records-per-request-avg=[\\d,.]+, record-queue-time-avg=[\\d,.]+, request-latency-avg=[\\d,.]+,"
                + " record-retry-total=0, record-error-total=0");
        // and its consumer how it fetched, as the kafka target's
        assertThat(r.details().get("kafka consumer")).matches("sluice-perf-\\d+-\\d+-\\d+-consumer-[^:]+: fetch-rate=[\\d,.]+,"
                + " records-per-request-avg=[\\d,.]+, fetch-size-avg=[\\d,.]+, fetch-latency-avg=[\\d,.]+, records-lag-max=[\\d,.]+");
        assertThat(r.details().get("batches")).contains("records per batch").contains("ms after closing on average");
    }

    @Test
    void theTopicGroupAndProducersOfTheWarmUpAreKeptIntoTheMeasuredPhaseAndItCountsOnlyItsOwnRecords() {
        RunResult r = runner(Duration.ofSeconds(1)).run(
                Targets.create(SluiceKafkaTarget.NAME, Peers.defaults().withBootstrap(broker.bootstrap())),
                Workload.builder().count(RECORDS).build());

        deliveredEveryRecordOnce(r, RECORDS); // the warm-up's records, on the same topic, are not counted again
        assertThat(r.reordered()).isZero();
        assertThat(r.details().get("kafka")).contains("one topic for the run (kept from the warm-up into the measured phase");
        assertThat(r.details().get("kafka producer")).as("one Kafka producer for both phases")
                .matches("sluice-perf-\\d+-\\d+-\\d+-producer-\\d+: [^;]*");
        assertThat(r.details().get("batches")).as("the measured phase's batches alone")
                .matches("[\\d,]+ appended, [\\d.]+ records per batch on average, acknowledged [\\d.]+ ms after closing on average");
    }

    @Test
    void storedIsAcksAllWithIdempotenceAndGivenKnobsAreSluicesOptions() {
        RunResult r = run(Workload.builder().count(RECORDS).acks(Acks.STORED).partitions(3).consumers(2).keys(100)
                .batchSize(65_536).linger(Duration.ZERO).prefetch(200).build());

        deliveredEveryRecordOnce(r, RECORDS);
        assertThat(r.reordered()).as("order per key").isZero();
        assertThat(r.details().get("kafka"))
                .contains("3 partitions")
                .contains("-> acks=all, enable.idempotence=true, batch.size=65536, linger.ms=0")
                .contains("consumer: prefetch 200 -> max.poll.records=100");
    }

    @Test
    void withoutBootstrapItStartsABrokerAsTheKafkaTargetDoesAndRemovesItAfterwards() {
        RunResult r = runner().run(Targets.create(SluiceKafkaTarget.NAME), Workload.builder().count(2_000).build());

        deliveredEveryRecordOnce(r, 2_000);
        String described = r.details().get("broker");
        assertThat(described).contains("KRaft, broker+controller").contains("-Xmx1g");
        Matcher m = CHILD.matcher(described);
        assertThat(m.find()).as("details name the child JVM: %s", described).isTrue();
        long pid = Long.parseLong(m.group(1));
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.exists(Path.of(m.group(2).replaceAll("[,;]$", "")))).isFalse();
    }

    @Test
    @Timeout(60) // KafkaSluice.connect waits its request timeout, 30 s
    void anUnreachableBrokerIsOneLineNamingTheTargetAndTheAddress() {
        Target t = Targets.create(SluiceKafkaTarget.NAME, Peers.defaults().withBootstrap("127.0.0.1:1"));
        RunResult r = runner().run(t, Workload.builder().count(10).build());
        assertThat(r.error()).startsWith("sluice-kafka: cannot connect to 127.0.0.1:1: ");
        assertThat(r.error().lines()).hasSize(1);
    }
}
