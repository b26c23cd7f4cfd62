package io.sluice.benchmarks.perf.targets.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.cli.SluicePerf;
import io.sluice.benchmarks.perf.targets.SharedBroker;
import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.targets.Peers;
import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.PartitionerKind;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.kafka.cluster.KafkaCluster;
import io.sluice.producer.Acks;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * The kafka target against a broker in a child JVM ({@link SharedBroker}: no server needed), through {@code --bootstrap}
 * for most tests and self-started end to end in one, and against nothing at all.
 */
@ExtendWith(SharedBroker.class)
class KafkaTargetIT {
    private static final int RECORDS = 20_000;
    private static final Pattern CHILD = Pattern.compile("child JVM pid (\\d+), .* data in (\\S+)");

    private static KafkaCluster broker;

    @BeforeAll
    static void broker() {
        broker = SharedBroker.broker();
    }

    private static PerfRunner runner() {
        return new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMillis(1), null));
    }

    private static RunResult run(Workload workload) {
        return runner().run(Targets.create("kafka", Peers.defaults().withBootstrap(broker.bootstrap())), workload);
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
    void appendedIsAcksOneAndEveryRecordIsAcknowledgedAndReceivedOnce() {
        RunResult r = run(Workload.builder().count(RECORDS).acks(Acks.APPENDED).build());
        deliveredEveryRecordOnce(r, RECORDS);
        assertThat(r.reordered()).isZero();
        assertThat(r.details().get("kafka"))
                .contains("at --bootstrap " + broker.bootstrap())
                .contains("4 partitions, replication factor 1")
                .contains("acks=1, enable.idempotence=false, batch.size=65536, linger.ms=0")
                .contains("built-in partitioner")
                .contains("auto.offset.reset=earliest, max.poll.records=512").contains("auto-commit")
                .contains("kept from the warm-up into the measured phase");
    }

    @Test
    void knobsLeftToTheTargetAreKafkasOwnDefaults() {
        RunResult r = run(Workload.builder().count(2_000).ownDefault(Workload.Knob.BATCH_SIZE).ownDefault(Workload.Knob.LINGER)
                .ownDefault(Workload.Knob.PREFETCH).build());
        deliveredEveryRecordOnce(r, 2_000);
        assertThat(r.details().get("kafka"))
                .contains("batch.size=16384 (Kafka's default), linger.ms=5 (Kafka's default)")
                .contains("max.poll.records=500 (Kafka's default)");
    }

    @Test
    void storedIsAcksAllWithIdempotence() {
        RunResult r = run(Workload.builder().count(RECORDS).acks(Acks.STORED).build());
        deliveredEveryRecordOnce(r, RECORDS);
        assertThat(r.details().get("kafka")).contains("acks=all, enable.idempotence=true");
    }

    @Test
    void noneIsAcksZeroAndItsCallbacksStillCountAsAcknowledgements() {
        RunResult r = run(Workload.builder().count(2_000).acks(Acks.NONE).build());
        deliveredEveryRecordOnce(r, 2_000);
        assertThat(r.details().get("kafka")).contains("acks=0, enable.idempotence=false");
        assertThat(r.details().get("kafka producer")).contains("record-error-total=0");
        assertThat(r.details().get("kafka consumer")).matches("sluice-perf-[\\w-]+-consumer: fetch-rate=[\\d,.]+, records-per-request-avg=[\\d,.]+,"
                + " fetch-size-avg=[\\d,.]+, fetch-latency-avg=[\\d,.]+, records-lag-max=[\\d,.]+");
    }

    @Test
    void roundRobinLingerAndPrefetchMapToKafkasOwnSettings() {
        RunResult r = run(Workload.builder().count(2_000).partitions(3).partitioner(PartitionerKind.ROUND_ROBIN)
                .linger(Duration.ofMillis(1).plusNanos(1)).batchSize(16_384).prefetch(100).build());
        deliveredEveryRecordOnce(r, 2_000);
        assertThat(r.details().get("kafka"))
                .contains("3 partitions")
                .contains("batch.size=16384, linger.ms=2")
                .contains("partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner")
                .doesNotContain("built-in partitioner")
                .contains("max.poll.records=100");
    }

    @Test
    void withoutBootstrapItStartsABrokerInAChildJvmAndRemovesItAfterwards() throws Exception {
        RunResult r = runner().run(Targets.create("kafka"), Workload.builder().count(2_000).build());
        deliveredEveryRecordOnce(r, 2_000);
        Matcher m = CHILD.matcher(r.details().get("kafka"));
        assertThat(m.find()).as("details name the child JVM: %s", r.details().get("kafka")).isTrue();
        long pid = Long.parseLong(m.group(1));
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.exists(Path.of(m.group(2).replaceAll("[,;]$", "")))).isFalse();
    }

    @Test
    @Timeout(30)
    void anUnreachableBrokerIsOneLineNamingTheAddress() {
        Target t = Targets.create("kafka", Peers.defaults().withBootstrap("127.0.0.1:1"));
        RunResult r = runner().run(t, Workload.builder().count(10).build());
        assertThat(r.error()).startsWith("kafka: cannot connect to 127.0.0.1:1: ");
        assertThat(r.error().lines()).hasSize(1);
    }

    @Test
    void aBootstrapThatIsNotHostAndPortIsRejectedNamingTheOption() {
        StringWriter err = new StringWriter();
        int code = SluicePerf.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "run", "--target", "kafka", "--count", "10", "--bootstrap", "localhost:9092,nohost");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains("--bootstrap").contains("'nohost'");
    }

    @Test
    void recordsBeyondKafkasRequestSizeAreRejectedNamingTheOption() {
        StringWriter err = new StringWriter();
        int code = SluicePerf.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "run", "--target", "kafka", "--count", "10", "--size", "2000000");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'--size'").contains("kafka");
    }
}
