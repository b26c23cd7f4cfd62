package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The kafka target's admin side: connects to the broker (an unreachable one is a {@link TargetUnavailableException}
 * naming the address), creates the run's topic, retrying while a fresh broker is getting ready, waits until a
 * producer knows a leader for each of its partitions, and deletes it. Each wait has its own deadline.
 */
final class KafkaTopics implements AutoCloseable {
    /** How long the first contact with the broker may take before it counts as unreachable. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String address;
    private final Admin admin;

    private KafkaTopics(String address, Admin admin) {
        this.address = address;
        this.admin = admin;
    }

    /** An admin client of the broker at {@code address}, once the broker has answered. */
    static KafkaTopics connect(String address) {
        Admin admin = null;
        try {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address,
                    AdminClientConfig.CLIENT_ID_CONFIG, "sluice-perf-admin-" + ProcessHandle.current().pid(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KafkaTarget.TIMEOUT.toMillis()));
            Collection<?> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) CONNECT_TIMEOUT.toMillis()))
                    .nodes().get(CONNECT_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException("the cluster has no brokers");
            }
            return new KafkaTopics(address, admin);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(admin);
            throw new TargetUnavailableException("kafka: cannot connect to " + address + ": interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            close(admin);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new TargetUnavailableException("kafka: cannot connect to " + address + ": " + TargetUnavailableException.oneLine(cause), cause);
        }
    }

    /** Creates the run's topic; retries while the broker is still getting ready (a fresh broker may be). */
    void create(String topic, int partitions) {
        long deadline = System.nanoTime() + KafkaTarget.TIMEOUT.toNanos();
        for (;;) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                        .get(KafkaTarget.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                boolean transient_ = cause instanceof RetriableException || cause instanceof InvalidReplicationFactorException;
                if (!transient_ || System.nanoTime() - deadline > 0) {
                    throw new TargetUnavailableException("kafka: creating topic " + topic + " at " + address + " failed: "
                            + TargetUnavailableException.oneLine(cause), cause);
                }
            } catch (TimeoutException e) {
                throw new TargetUnavailableException("kafka: creating topic " + topic + " at " + address + " timed out", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException("kafka: interrupted while creating topic " + topic, e);
            }
            pause();
        }
    }

    /**
     * Waits until the producer knows a leader for every partition, as a producer that has been running would: the
     * first send would otherwise wait for the topic's metadata, and a brand-new partition may refuse the first
     * batches (a retry, which with {@code acks} 0 or 1 may reorder them).
     */
    void awaitLeaders(KafkaProducer<byte[], byte[]> producer, String topic, int partitions) {
        long deadline = System.nanoTime() + KafkaTarget.TIMEOUT.toNanos();
        for (;;) {
            List<PartitionInfo> infos = producer.partitionsFor(topic);
            if (infos.size() == partitions && infos.stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty())) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TargetUnavailableException("kafka: topic " + topic + " at " + address + " has no leader for every"
                        + " partition after " + Durations.format(KafkaTarget.TIMEOUT), null);
            }
            pause();
        }
    }

    /** Deletes {@code topic}, quietly: a child broker goes with its directory, and an existing one keeps the topic. */
    void delete(String topic) {
        try {
            admin.deleteTopics(List.of(topic)).all().get(KafkaTarget.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // a child broker goes with its directory; an existing one keeps the topic: nothing else to do
        }
    }

    @Override
    public void close() {
        close(admin);
    }

    private static void close(Admin admin) {
        if (admin != null) {
            admin.close(KafkaTarget.CLOSE_TIMEOUT);
        }
    }

    /** A pause between two tries of something the broker is not ready for yet; each loop has its own deadline. */
    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("kafka: interrupted while waiting for the broker", e);
        }
    }
}
