package io.sluice.benchmarks.perf.targets.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.benchmarks.perf.cli.SluicePerf;
import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import zmq.ZError;

/**
 * The zeromq target through the lab's runner (brokerless: PUSH and PULL sockets in this JVM, so it never skips), and
 * what its high-water marks do, on ZeroMQ's sockets directly.
 */
class ZeroMqTargetIT {
    private static final int RECORDS = 20_000;

    private static PerfRunner runner() {
        return new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMillis(1), null));
    }

    private static Workload.Builder noAcks() {
        return Workload.builder().count(RECORDS).acks(Acks.NONE);
    }

    @Test
    void deliversEveryRecordOnceAndInOrderAtAnUnlimitedRate() {
        RunResult r = runner().run(Targets.create(ZeroMqTarget.NAME), noAcks().build());
        assertThat(r.error()).isNull();
        assertThat(r.sent()).isEqualTo(RECORDS);
        assertThat(r.acked()).isEqualTo(RECORDS);
        assertThat(r.received()).isEqualTo(RECORDS);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.reordered()).isZero();
        assertThat(r.details().get("zeromq")).contains("1 PUSH socket(s)").contains("1 PULL socket(s)").contains("tcp://127.0.0.1:");
        assertThat(r.details().get("zeromq hwm")).contains("SNDHWM 1,000").contains("RCVHWM 1,000");
        assertThat(r.details().get("zeromq acks")).contains("handed to a PUSH socket");
    }

    @Test
    void severalPushAndPullSocketsLoseAndDuplicateNothing() {
        RunResult r = runner().run(Targets.create(ZeroMqTarget.NAME), noAcks().producers(3).consumers(2).keys(100).build());
        assertThat(r.error()).isNull();
        assertThat(r.acked()).isEqualTo(RECORDS);
        assertThat(r.received()).isEqualTo(RECORDS);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.details().get("zeromq")).contains("3 PUSH socket(s)").contains("2 PULL socket(s)");
    }

    @Test
    void keepsItsSocketsFromPhaseToPhaseApartAndClosesThem() {
        // a warm-up phase, then the measured one: each phase's sockets are closed, and the run's contexts terminate
        PerfRunner warm = new PerfRunner(new PerfRunner.Settings(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMillis(1), null));
        RunResult r = warm.run(Targets.create(ZeroMqTarget.NAME), noAcks().build());
        assertThat(r.error()).isNull();
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
    }

    /**
     * Each phase binds and connects new sockets: every one of many connections delivers. With two I/O threads, one
     * phase in about ten stayed silent (the PUSH took 1,000 messages, the PULL got none; see ZeroMqTarget.IO_THREADS).
     */
    @Test
    void everyPhaseOfManyConnectsAndDelivers() {
        PerfRunner quick = new PerfRunner(new PerfRunner.Settings(Duration.ZERO, Duration.ofSeconds(3), Duration.ofMillis(1), null));
        for (int run = 0; run < 30; run++) {
            RunResult r = quick.run(Targets.create(ZeroMqTarget.NAME), noAcks().count(2_000).build());
            assertThat(r.error()).as("run %d", run).isNull();
            assertThat(r.received()).as("run %d", run).isEqualTo(2_000);
        }
    }

    @Test
    void acksOtherThanNoneAreRefusedNamingTheOption() {
        ZeroMqTarget target = new ZeroMqTarget();
        for (Acks acks : new Acks[] {Acks.APPENDED, Acks.STORED}) {
            assertThatThrownBy(() -> target.validate(noAcks().acks(acks).build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--acks must be none for the zeromq target")
                    .hasMessageContaining("no acknowledgements");
        }
    }

    @Test
    void comparingWithoutAcksIsOneLineSayingToGiveAcksNone() {
        // sluice-perf's default --acks is appended, which ZeroMQ cannot honour: a clear error, exit 2, nothing run
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "compare", "--targets", "kafka,zeromq", "--count", "10");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains("'--acks'").contains("zeromq").contains("give --acks none")
                .doesNotContain("Exception");
        assertThat(out.toString()).doesNotContain("measur");
    }

    @Test
    void groupsAndConcurrencyAreRefusedNamingTheirOption() {
        ZeroMqTarget target = new ZeroMqTarget();
        assertThatThrownBy(() -> target.validate(noAcks().groups(2).build())).hasMessageStartingWith("--groups must be 1")
                .hasMessageContaining("PUB/SUB");
        assertThatThrownBy(() -> target.validate(noAcks().concurrency(4).build()))
                .hasMessageStartingWith("--concurrency must be 1");
    }

    /**
     * A PUSH socket whose PULL peer does not read takes about SNDHWM + RCVHWM messages (its queue, the peer's, and what
     * the TCP buffers between them hold), then refuses: a send with a timeout times out, a non-blocking send fails with
     * EAGAIN. Nothing is dropped: once the peer reads, every message arrives, in order, and the PUSH accepts again.
     */
    @Test
    void aPushWhosePeerDoesNotReadStopsAtItsHighWaterMarksAndLosesNothing() {
        int hwm = 100;
        int size = 16 * 1024;
        int socketBuffer = 64 * 1024; // kernel buffers small and fixed, so that they hold few messages
        try (ZMQ.Context context = ZMQ.context(1)) {
            ZMQ.Socket pull = ZeroMqTarget.pull(context, hwm);
            pull.setReceiveBufferSize(socketBuffer);
            int port = pull.bindToRandomPort("tcp://127.0.0.1");
            ZMQ.Socket push = ZeroMqTarget.push(context, hwm);
            push.setSendBufferSize(socketBuffer);
            push.setSendTimeOut(100);
            push.connect("tcp://127.0.0.1:" + port);

            // send until the PUSH has refused 5 times in a row (no progress for 0.5 s) or far more than it could hold
            int accepted = 0;
            int refusedInARow = 0;
            while (refusedInARow < 5 && accepted < 100 * hwm) {
                if (push.send(Payload.create(size, accepted, 0), 0)) {
                    accepted++;
                    refusedInARow = 0;
                } else {
                    assertThat(push.errno()).isEqualTo(ZError.EAGAIN);
                    refusedInARow++;
                }
            }
            // the PUSH's send and the PULL's receive buffer, each doubled by Linux, and a few in the codecs' batches
            int kernelSlack = 2 * (2 * socketBuffer / size) + 8;
            assertThat(accepted).as("messages the PUSH took before refusing").isBetween(hwm, 2 * hwm + kernelSlack);
            assertThat(push.send(Payload.create(size, accepted, 0), ZMQ.DONTWAIT)).isFalse();
            assertThat(push.errno()).isEqualTo(ZError.EAGAIN);

            pull.setReceiveTimeOut(10_000);
            for (long seq = 0; seq < accepted; seq++) {
                byte[] m = pull.recv(0);
                assertThat(m).as("message %d of %d", seq, accepted).isNotNull();
                assertThat(Payload.seq(m)).isEqualTo(seq);
            }
            assertThat(push.send(Payload.create(size, accepted, 0), 0)).as("room again once the peer read").isTrue();
            assertThat(Payload.seq(pull.recv(0))).isEqualTo(accepted);
            push.close();
            pull.close();
        }
    }
}
