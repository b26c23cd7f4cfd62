package io.sluice.transport.netty.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.UnknownTopicException;
import io.sluice.log.RecordBatch;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Acks;
import io.sluice.record.TopicPartition;
import io.sluice.spi.SendTarget;
import io.sluice.spi.TargetTopic;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Producers of a remote node write here: topics come from the node's topic list, a batch becomes a
 * {@link Frames#PRODUCE} request (resent after a reconnect), and every send is an idempotent producer of its own
 * (a random 63-bit id), so that the node drops the copies a resend brings.
 *
 * <p>Linger-0 batches close on the connection's event loop ({@link #senderScheduler}): their PRODUCE frames leave in
 * the same turn, with no hand-off to a sender thread and from it to the event loop (at 100,000 records/s that was
 * 10,000 wake-ups a second of a thread that did little else).
 */
public final class RemoteTarget implements SendTarget {

    private final ClientConnection connection;
    /** Runs batch closings on the ready connection's event loop, or on the idle sender while (re)connecting. */
    private final Scheduler sender;
    private final MeterRegistry registry;
    private final Map<TopicSpec, RemoteTopic> cache = new ConcurrentHashMap<>();
    /**
     * Producer ids: seeded once from SecureRandom on the thread that connects (reading it may block, which a send's
     * Reactor thread must not), then a fast generator; what matters is that two producers never share an id.
     */
    private final java.util.SplittableRandom ids = new java.util.SplittableRandom(new SecureRandom().nextLong());

    /** @param idleSender where batches close while no connection is ready (their requests wait to be sent) */
    public RemoteTarget(ClientConnection connection, Scheduler idleSender, MeterRegistry registry) {
        this.connection = connection;
        this.sender = Schedulers.fromExecutor(task -> connection.execute(task, idleSender::schedule));
        this.registry = registry;
    }

    @Override
    public SendTarget.Topic topic(String name) {
        TopicSpec spec = connection.topics().get(name);
        if (spec == null) {
            throw UnknownTopicException.withCreateHint(name, "on node " + connection.address());
        }
        return cache.computeIfAbsent(spec, this::newTopic);
    }

    @Override
    public long clockMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Scheduler senderScheduler() {
        return sender;
    }

    @Override
    public long newProducerId() {
        synchronized (ids) {
            return ids.nextLong() & Long.MAX_VALUE;
        }
    }

    @Override
    public Throwable closedError() {
        return connection.closedError();
    }

    /** The topic's partitions, whose appends are produce requests, and its meters (tagged with the node). */
    private RemoteTopic newTopic(TopicSpec spec) {
        Partition[] partitions = new Partition[spec.partitions()];
        Counter bytesOut = Counter.builder(SluiceMeters.BYTES_IN).tag(SluiceMeters.TAG_NODE, connection.address())
                .tag(SluiceMeters.TAG_TOPIC, spec.name()).register(registry);
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new Partition(new TopicPartition(spec.name(), i), bytesOut);
        }
        Timer sendLatency = Timer.builder(SluiceMeters.SEND_LATENCY).tag(SluiceMeters.TAG_NODE, connection.address())
                .tag(SluiceMeters.TAG_TOPIC, spec.name()).register(registry);
        return new RemoteTopic(spec, partitions, sendLatency);
    }

    /** A topic whose batches must fit in a PRODUCE frame of the node's maximum size, as its last handshake said. */
    private final class RemoteTopic extends TargetTopic<Partition> {
        private final int frameOverhead;

        RemoteTopic(TopicSpec spec, Partition[] partitions, Timer sendLatency) {
            super(spec, partitions, sendLatency);
            this.frameOverhead = ProduceCodec.frameOverhead(spec.name());
        }

        @Override
        public int maxBatchBytes() {
            return Math.max(0, connection.nodeMaxFrameSize() - frameOverhead);
        }

        @Override
        public String maxBatchBytesReason() {
            return "node " + connection.address() + " takes frames of at most " + connection.nodeMaxFrameSize()
                    + " bytes, its maxFrameSize, PRODUCE header included";
        }
    }

    private final class Partition implements SendTarget.Partition {
        final TopicPartition tp;
        final Counter bytes;

        Partition(TopicPartition tp, Counter bytes) {
            this.tp = tp;
            this.bytes = bytes;
        }

        @Override
        public TopicPartition tp() {
            return tp;
        }

        @Override
        public void append(RecordBatch batch, Acks acks, AppendCallback callback) {
            connection.produce(tp.topic(), tp.partition(), acks, batch, callback);
        }

        @Override
        public void countBytesIn(long n) {
            bytes.increment(n);
        }
    }
}
