package io.sluice.benchmarks.perf.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.benchmarks.perf.cli.SluicePerf;
import io.sluice.benchmarks.perf.measure.PerfRunner;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sluice-tcp target: a node it starts in a child JVM, a node given with --node, and a node that is not there. */
class SluiceTcpTargetTest {
    private static final Pattern CHILD = Pattern.compile("child JVM pid (\\d+), .* log in (\\S+)");

    private static PerfRunner runner(Duration warmup) {
        return new PerfRunner(new PerfRunner.Settings(warmup, Duration.ofSeconds(10), Duration.ofMillis(1), null));
    }

    private static void deliveredEveryRecordOnce(RunResult r) {
        assertThat(r.error()).isNull();
        assertThat(r.sent()).isPositive();
        assertThat(r.acked()).isEqualTo(r.sent());
        assertThat(r.received()).isEqualTo(r.sent());
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.reordered()).isZero();
    }

    @Test
    @Timeout(90)
    void runsTheEmbeddedWorkloadThroughANodeInAChildJvmAndRemovesTheNodeAfterwards() {
        Target t = Targets.create(SluiceTcpTarget.NAME);
        // a warm-up and a measured phase: two topics created and deleted over the connection
        RunResult r = runner(Duration.ofMillis(300)).run(t, Workload.builder().duration(Duration.ofSeconds(2)).rate(2_000)
                .partitions(3).consumers(2).keys(100).build());

        deliveredEveryRecordOnce(r);
        assertThat(r.sent()).isGreaterThan(3_000); // 2 s at 2,000 records/s
        assertThat(r.details().get("batches")).contains("records per batch");
        assertThat(r.details().get("client")).contains("NettySluice to 127.0.0.1:").contains("max frame 16,777,216 bytes")
                .contains("1 connection(s) made so far");
        String node = r.details().get("node");
        assertThat(node).contains("SluiceServer at 127.0.0.1:").contains("memory store").contains("-Xmx1g");
        Matcher m = CHILD.matcher(node);
        assertThat(m.find()).as("details name the child JVM: %s", node).isTrue();
        long pid = Long.parseLong(m.group(1));
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        // closing the target waited for the child to exit and removed its directory
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.exists(Path.of(m.group(2)).getParent())).isFalse();
    }

    @Test
    @Timeout(60)
    void withNodeItUsesThatNodeAndLeavesItRunning() {
        try (Sluice engine = Sluice.embedded();
             SluiceServer server = SluiceServer.start(engine, ServerOptions.create().port(0))) {
            String address = "127.0.0.1:" + server.port();
            Target t = Targets.create(SluiceTcpTarget.NAME, Peers.defaults().withNode(address));
            RunResult r = runner(Duration.ZERO).run(t, Workload.builder().count(5_000).partitions(2).build());

            deliveredEveryRecordOnce(r);
            assertThat(r.sent()).isEqualTo(5_000);
            assertThat(r.details().get("node")).isEqualTo("at --node " + address + " (its settings are its own)");
            assertThat(r.details().get("client")).contains("1 connection(s) made so far"); // no reconnect
            // the phase deleted its topic; the node is still serving
            assertThat(engine.admin().listTopics().collectList().block(Duration.ofSeconds(10))).isEmpty();
            assertThat(server.onClose().toFuture()).isNotDone();
        }
    }

    @Test
    @Timeout(30)
    void anUnreachableNodeIsOneLineNamingTheAddress() {
        Target t = Targets.create(SluiceTcpTarget.NAME, Peers.defaults().withNode("127.0.0.1:1"));
        RunResult r = runner(Duration.ZERO).run(t, Workload.builder().count(10).build());
        assertThat(r.failed()).isTrue();
        assertThat(r.sent()).isZero();
        assertThat(r.error()).startsWith("sluice-tcp: cannot connect to node 127.0.0.1:1: ");
        assertThat(r.error().lines()).hasSize(1);
    }

    @Test
    void aNodeThatIsNotHostAndPortIsRejectedNamingTheOption() {
        for (String bad : List.of("nohost", "localhost:0", ":7420", "localhost:http")) {
            StringWriter err = new StringWriter();
            int code = SluicePerf.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    "run", "--target", SluiceTcpTarget.NAME, "--count", "10", "--node", bad);
            assertThat(code).as(bad).isEqualTo(2);
            assertThat(err.toString().strip().lines()).as(bad).hasSize(1);
            assertThat(err.toString()).contains("--node").contains("'" + bad + "'");
        }
    }

    @Test
    void framesGrowWithBatchesAndRecordsBeyondTheDefault() {
        assertThat(NodeProcess.maxFrameSize(Workload.builder().build())).isEqualTo(NodeProcess.DEFAULT_MAX_FRAME_SIZE);
        assertThat(NodeProcess.maxFrameSize(Workload.builder().batchSize(32 << 20).build())).isEqualTo((32 << 20) + 64 * 1024);
        assertThat(NodeProcess.maxFrameSize(Workload.builder().recordSize(Workload.MAX_RECORD_SIZE).build()))
                .isEqualTo(Workload.MAX_RECORD_SIZE + 64 * 1024);
    }
}
