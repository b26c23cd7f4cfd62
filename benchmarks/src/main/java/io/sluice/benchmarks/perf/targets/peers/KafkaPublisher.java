package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.workload.Keys;
import io.sluice.benchmarks.perf.workload.Payload;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import reactor.core.publisher.BaseSubscriber;

final class KafkaPublisher extends BaseSubscriber<byte[]> {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Probe probe;
    private final Keys keys;
    private final AtomicLong outstanding = new AtomicLong();
    private volatile boolean sourceDone;

    KafkaPublisher(KafkaProducer<byte[], byte[]> producer, String topic, Probe probe, Keys keys) {
        this.producer = producer;
        this.topic = topic;
        this.probe = probe;
        this.keys = keys;
    }

    @Override
    protected void hookOnNext(byte[] value) {
        outstanding.incrementAndGet();
        try {
            producer.send(new ProducerRecord<>(topic, keys.key(Payload.seq(value)), value), this::completed);
        } catch (InterruptException e) {
            cancel(); // the phase is being stopped
        } catch (KafkaException e) {
            probe.failed(e);
            cancel();
        }
    }

    /**
     * On the producer's I/O thread (the probe's single acknowledgement writer); a send that fails at once
     * completes on the publishing thread, but only as a failure.
     */
    private void completed(RecordMetadata metadata, Exception error) {
        if (error != null) {
            probe.failed(error);
            return;
        }
        probe.acked();
        if (outstanding.decrementAndGet() == 0 && sourceDone) {
            probe.acksCompleted();
        }
    }

    @Override
    protected void hookOnComplete() {
        sourceDone = true;
        if (outstanding.get() == 0) {
            probe.acksCompleted();
        }
    }

    @Override
    protected void hookOnError(Throwable e) {
        probe.failed(e);
    }
}
