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

/** The nats target against the server at 127.0.0.1:4222 (with JetStream), and against nothing at all. */
@RequiresServer(name = "NATS", port = 4222)
class NatsTargetIT {
    private static final int RECORDS = 10_000;

    private static PerfRunner runner() {
        return new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMillis(1), null));
    }

    private static RunResult run(Acks acks) {
        return runner().run(Targets.create("nats"), Workload.builder().count(RECORDS).acks(acks).build());
    }

    @Test
    void jetStreamAcknowledgesAndDeliversEveryRecordOnce() {
        RunResult r = run(Acks.APPENDED);
        assertThat(r.error()).isNull();
        assertThat(r.acked()).isEqualTo(RECORDS);
        assertThat(r.received()).isEqualTo(RECORDS);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.details().get("nats")).contains("JetStream").contains("memory storage");
    }

    @Test
    void storedUsesFileStorage() {
        RunResult r = run(Acks.STORED);
        assertThat(r.error()).isNull();
        assertThat(r.lost()).isZero();
        assertThat(r.details().get("nats")).contains("file storage");
    }

    @Test
    void withoutAcksItIsCoreNatsAndStillLosesNothingHere() {
        RunResult r = run(Acks.NONE);
        assertThat(r.error()).isNull();
        assertThat(r.lost()).isZero();
        assertThat(r.details().get("nats")).contains("core NATS");
    }

    @Test
    void anUnreachableServerIsOneLineNamingTheAddress() {
        Target t = Targets.create("nats", new Peers(URI.create(Peers.DEFAULT_AMQP), URI.create("nats://127.0.0.1:1")));
        RunResult r = runner().run(t, Workload.builder().count(10).build());
        assertThat(r.error()).startsWith("nats: cannot connect to nats://127.0.0.1:1");
        assertThat(r.error().lines()).hasSize(1);
    }
}
