package io.sluice.benchmarks.perf.targets.peers;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What Kafka's own clients in this JVM measured, for a result's details: the {@code kafka} target's and
 * {@code sluice-kafka}'s producers and consumers, read the same way (the JMX beans every Kafka client registers), so
 * that the two targets' lines compare like for like.
 */
public enum KafkaClientMetrics {
    /**
     * The producer's batching (bytes per batch, records per produce request), how long a batch waited in its
     * accumulator and a produce request took to be answered (with {@code max.in.flight.requests.per.connection}
     * requests in flight, the latter bounds its rate), and retries and errors.
     */
    PRODUCER("kafka.producer:type=producer-metrics", List.of("batch-size-avg", "records-per-request-avg",
            "record-queue-time-avg", "request-latency-avg", "record-retry-total", "record-error-total")),
    /**
     * The consumer's fetching: fetch requests per second, records and bytes per fetch, how long a fetch took, and the
     * most records it lagged behind the log's end: the broker serves a consumer that fetches few records at a time
     * with more requests per record.
     */
    CONSUMER("kafka.consumer:type=consumer-fetch-manager-metrics", List.of("fetch-rate", "records-per-request-avg",
            "fetch-size-avg", "fetch-latency-avg", "records-lag-max"));

    private final String beans;
    private final List<String> metrics;

    KafkaClientMetrics(String beans, List<String> metrics) {
        this.beans = beans;
        this.metrics = metrics;
    }

    /** The metric names shown. */
    public List<String> metrics() {
        return metrics;
    }

    /**
     * The metrics of each client of this kind whose client id starts with {@code clientIdPrefix}, one entry per client
     * ({@code client-id: name=value, ...}), or "none yet".
     */
    public String describe(String clientIdPrefix) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<String> clients = new ArrayList<>();
        try {
            Set<ObjectName> names = new TreeSet<>(server.queryNames(new ObjectName(beans + ",client-id=" + clientIdPrefix + "*"), null));
            for (ObjectName name : names) {
                List<String> values = new ArrayList<>();
                for (String metric : metrics) {
                    Object v;
                    try {
                        v = server.getAttribute(name, metric);
                    } catch (JMException e) {
                        v = "n/a";
                    }
                    values.add(metric + "=" + (v instanceof Double d
                            ? String.format(Locale.ROOT, d == Math.rint(d) ? "%,.0f" : "%,.1f", d) : v));
                }
                clients.add(name.getKeyProperty("client-id") + ": " + String.join(", ", values));
            }
        } catch (JMException e) {
            return "n/a: " + e;
        }
        return clients.isEmpty() ? "none yet" : String.join("; ", clients);
    }
}
