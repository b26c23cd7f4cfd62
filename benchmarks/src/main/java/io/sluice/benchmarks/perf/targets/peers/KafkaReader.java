package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Payload;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The kafka target's consumer: polls on a plain thread of its own for the whole run, reporting each record to the probe of the current phase;
 * offsets are committed by the consumer's auto-commit (Kafka's default: every 5 s, and on close).
 */
final class KafkaReader implements Runnable, ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final int partitions;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread thread;
    private volatile Probe probe;
    private volatile boolean stopping;
    private volatile Throwable error;
    private int assignedPartitions;

    KafkaReader(Map<String, Object> settings, String topic, int partitions) {
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.partitions = partitions;
        this.thread = new Thread(this, "sluice-perf-kafka-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    /** The probe the records of the phase starting now go to; null between phases. */
    void phase(Probe next) {
        probe = next;
        Throwable e = error;
        if (next != null && e != null) {
            next.failed(e);
        }
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), this);
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                Probe p = probe;
                if (p == null) {
                    continue; // between phases nothing is sent
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    byte[] value = r.value();
                    p.received(r.partition(), Payload.seq(value), Payload.intendedNanos(value), System.nanoTime());
                }
            }
        } catch (WakeupException | InterruptException e) {
            if (!stopping) {
                fail(e);
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            consumer.close(CloseOptions.timeout(KafkaTarget.CLOSE_TIMEOUT));
        }
    }

    private void fail(Throwable e) {
        error = e;
        Probe p = probe;
        if (p != null) {
            p.failed(e);
        }
        assigned.countDown();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> added) {
        assignedPartitions += added.size();
        if (assignedPartitions >= partitions) {
            assigned.countDown();
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        assignedPartitions -= revoked.size();
    }

    /** Waits until the consumer owns every partition, so that the producer starts against a ready reader. */
    void awaitAssignment(Duration timeout) {
        try {
            if (!assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TargetUnavailableException("kafka: the consumer got no partitions of " + topic + " within "
                        + Durations.format(timeout), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("kafka: interrupted while the consumer joined its group", e);
        }
        Throwable e = error;
        if (e != null) {
            throw new TargetUnavailableException("kafka: the consumer of " + topic + " failed: " + TargetUnavailableException.oneLine(e), e);
        }
    }

    /** Stops polling and waits for the thread, which closes the consumer (committing its position). */
    void stop() {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(KafkaTarget.CLOSE_TIMEOUT.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
