package io.sluice.benchmarks.perf.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicSpec;
import io.sluice.benchmarks.perf.cli.SluicePerf;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.Acks;
import io.sluice.producer.ProducerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the sluice-kafka target specifies the driver's topic, producers and consumers on Kafka (no broker needed). */
class SluiceKafkaTargetTest {
    private static final Workload LEFT_UNSET = Workload.builder().partitions(6).maxBacklog(50_000)
            .ownDefault(Workload.Knob.BATCH_SIZE).ownDefault(Workload.Knob.LINGER).ownDefault(Workload.Knob.PREFETCH).build();

    @Test
    void theTopicHasTheWorkloadsPartitionsAndKafkasRetentionInsteadOfRetentionByRecordCount() {
        TopicSpec driver = SluiceEmbeddedTarget.topicSpec("t", LEFT_UNSET);
        assertThat(driver.retentionRecords()).as("the memory log's retention is the backlog bound").isEqualTo(50_000);

        TopicSpec kafka = SluiceKafkaTarget.specs(LEFT_UNSET).topic().apply(driver);

        assertThat(kafka.name()).isEqualTo("t");
        assertThat(kafka.partitions()).isEqualTo(6);
        assertThat(kafka.retentionRecords()).as("KafkaSluice refuses any other").isEqualTo(TopicSpec.UNLIMITED);
        assertThat(kafka.overflow()).as("KafkaSluice refuses any other").isEqualTo(OverflowPolicy.BACKPRESSURE);
        assertThat(kafka.retentionBytes()).isEqualTo(TopicSpec.UNLIMITED);
        assertThat(kafka.retentionAge()).isEqualTo(Duration.ofDays(7));
        assertThat(kafka.settings()).containsEntry("replication.factor", "1").hasSize(1);
    }

    @Test
    void knobsLeftUnsetGetTheKafkaTargetsDefaultsThroughSluicesOptions() {
        SluiceEmbeddedTarget.Specs specs = SluiceKafkaTarget.specs(LEFT_UNSET);

        ProducerOptions p = specs.producer().apply(SluiceEmbeddedTarget.producerOptions(LEFT_UNSET, 0));
        ConsumerOptions c = specs.consumer().apply(SluiceEmbeddedTarget.consumerOptions("g", "t", LEFT_UNSET, 0));

        assertThat(p.batchSize()).isEqualTo(16_384);
        assertThat(p.linger()).isEqualTo(Duration.ofMillis(5));
        assertThat(p.maxInFlight()).isEqualTo(5);
        assertThat(c.prefetch()).isEqualTo(1_000);
        assertThat(SluiceKafkaTarget.mapping(LEFT_UNSET, specs))
                .contains("producer: acks appended, batchSize 16,384 B (Kafka's default, as the kafka target), linger 5ms"
                        + " (Kafka's default, as the kafka target), maxInFlight 5")
                .contains("-> acks=1, enable.idempotence=false, batch.size=16384, linger.ms=5, max.in.flight.requests.per.connection=5;")
                .contains("consumer: prefetch 1000 (twice Kafka's default max.poll.records, as the kafka target) -> max.poll.records=500")
                .contains("6 partitions, replication factor 1, retention.bytes=-1, retention.ms=604800000");
    }

    @Test
    void knobsGivenAreSluicesOptionsAsOnEverySluiceTarget() {
        Workload given = Workload.builder().batchSize(65_536).linger(Duration.ofMillis(1).plusNanos(1)).prefetch(100)
                .acks(Acks.STORED).build();
        SluiceEmbeddedTarget.Specs specs = SluiceKafkaTarget.specs(given);

        assertThat(specs.producer().apply(SluiceEmbeddedTarget.producerOptions(given, 0)).batchSize()).isEqualTo(65_536);
        assertThat(specs.consumer().apply(SluiceEmbeddedTarget.consumerOptions("g", "t", given, 0)).prefetch()).isEqualTo(100);
        assertThat(SluiceKafkaTarget.mapping(given, specs))
                .contains("-> acks=all, enable.idempotence=true, batch.size=65536, linger.ms=2,")
                .contains("consumer: prefetch 100 -> max.poll.records=50")
                .doesNotContain("Kafka's default, as");
    }

    @Test
    void theOtherSluiceTargetsTakeTheDriversSpecificationsAsTheyAre() {
        TopicSpec driver = SluiceEmbeddedTarget.topicSpec("t", LEFT_UNSET);
        assertThat(SluiceEmbeddedTarget.Specs.AS_IS.topic().apply(driver)).isSameAs(driver);
    }

    @Test
    void recordsBeyondKafkasRequestSizeAreRejectedNamingTheOptionAndTheTarget() {
        StringWriter err = new StringWriter();
        int code = SluicePerf.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "run", "--target", "sluice-kafka", "--count", "10", "--size", "2000000");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'--size'").contains("sluice-kafka");
    }
}
