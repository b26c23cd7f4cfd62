package io.sluice.benchmarks.perf.targets.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.targets.Peers;
import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import io.sluice.testing.RequiresServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rabbitmq target against the broker at 127.0.0.1:5672 (guest/guest), and against nothing at all. */
@RequiresServer(name = "RabbitMQ", port = 5672)
class RabbitMqTargetIT {
    private static final int RECORDS = 20_000;

    private static PerfRunner runner() {
        return new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMillis(1), null));
    }

    @Test
    void everyRecordIsConfirmedAndReceivedOnceWithPublisherConfirms() {
        RunResult r = runner().run(Targets.create("rabbitmq"), Workload.builder().count(RECORDS).acks(Acks.APPENDED).build());
        assertThat(r.error()).isNull();
        assertThat(r.sent()).isEqualTo(RECORDS);
        assertThat(r.acked()).isEqualTo(RECORDS);
        assertThat(r.received()).isEqualTo(RECORDS);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.details().get("rabbitmq")).contains("publisher confirms true").contains("consumer qos 512");
    }

    @Test
    void storedMeansADurableQueueAndPersistentMessages() {
        RunResult r = runner().run(Targets.create("rabbitmq"), Workload.builder().count(5_000).acks(Acks.STORED).build());
        assertThat(r.error()).isNull();
        assertThat(r.lost()).isZero();
        assertThat(r.details().get("rabbitmq")).contains("durable true, persistent true");
    }

    @Test
    void anUnreachableBrokerIsOneLineNamingTheAddressWithoutThePassword() {
        Target t = Targets.create("rabbitmq", new Peers(URI.create("amqp://guest:secret@127.0.0.1:1"), URI.create(Peers.DEFAULT_NATS)));
        RunResult r = runner().run(t, Workload.builder().count(10).build());
        assertThat(r.error()).startsWith("rabbitmq: cannot connect to amqp://127.0.0.1:1").doesNotContain("secret");
        assertThat(r.error().lines()).hasSize(1);
    }
}
