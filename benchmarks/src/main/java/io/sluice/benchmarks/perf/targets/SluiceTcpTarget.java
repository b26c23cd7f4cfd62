package io.sluice.benchmarks.perf.targets;

import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code sluice-tcp}: the {@code sluice-embedded} workload (the same driver, {@link SluiceEmbeddedTarget}, so the same
 * options mean the same there), through a {@link NettySluice} to a node over TCP: producers batch in this process
 * and send each batch as a request, consumers are group members on the node receiving within their credits.
 *
 * <p>The node is one the target starts in a child JVM on 127.0.0.1 ({@link NodeProcess}: the engine
 * {@code sluice-embedded} runs, on its memory store), or an existing one at {@code --node host:port}. Both sides
 * accept frames as large as the workload's batches and records need ({@link NodeProcess#maxFrameSize}, at least the
 * 16 MiB default); a node given with {@code --node} has its own limit. The node's and the client's settings go into
 * the result's details.
 */
final class SluiceTcpTarget {
    /** The target's name. */
    static final String NAME = "sluice-tcp";

    private SluiceTcpTarget() {
    }

    /** @param node an existing node's {@code host:port}, or null to start one in a child JVM */
    static SluiceEmbeddedTarget create(String node) {
        String where = node == null ? "a node in a child JVM on 127.0.0.1" : "the node at " + node;
        return new SluiceEmbeddedTarget(NAME, "Sluice over TCP: NettySluice producer.send -> " + where
                + " (memory log) -> consumer.receive + ack", workload -> open(node, workload));
    }

    private static SluiceEmbeddedTarget.Engine open(String node, Workload workload) {
        int maxFrameSize = NodeProcess.maxFrameSize(workload);
        NodeProcess process = node == null ? NodeProcess.start(maxFrameSize) : null;
        String address = process != null ? process.address() : node;
        try {
            ClientOptions options = ClientOptions.create()
                    .address(process != null ? process.host() : HostPort.host(node), process != null ? process.port() : HostPort.port(node))
                    .clientId("sluice-perf-" + ProcessHandle.current().pid())
                    .maxFrameSize(maxFrameSize);
            NettySluice client = NettySluice.connect(options);
            String nodeDetail = process != null ? process.describe() : "at --node " + address + " (its settings are its own)";
            // a reconnect during a phase means resent batches and redeliveries: the count shows it
            Supplier<Map<String, String>> details = () -> {
                Map<String, String> d = new LinkedHashMap<>();
                d.put("node", nodeDetail);
                d.put("client", String.format(Locale.ROOT, "NettySluice to %s, max frame %,d bytes, heartbeat %s,"
                                + " connect timeout %s, request timeout %s; %d connection(s) made so far (1 + reconnects)",
                        address, options.maxFrameSize(), Durations.format(options.heartbeat()),
                        Durations.format(options.connectTimeout()), Durations.format(options.requestTimeout()),
                        client.connections()));
                return d;
            };
            return new SluiceEmbeddedTarget.Engine(client, details, process != null ? process::close : () -> { });
        } catch (RuntimeException e) {
            if (process != null) {
                process.close();
            }
            // the client's exception names the address too: say it once, with what went wrong underneath
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new TargetUnavailableException(NAME + ": cannot connect to node " + address + ": "
                    + TargetUnavailableException.oneLine(root), e);
        }
    }
}
