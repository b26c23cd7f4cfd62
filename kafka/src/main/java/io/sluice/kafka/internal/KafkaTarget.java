package io.sluice.kafka.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.UnknownTopicException;
import io.sluice.log.RecordBatch;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Acks;
import io.sluice.record.Header;
import io.sluice.record.Record;
import io.sluice.record.TopicPartition;
import io.sluice.spi.SendTarget;
import io.sluice.spi.TargetTopic;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import reactor.core.scheduler.Scheduler;

/**
 * Where the producers of one Kafka producer configuration ({@code acks}, batch size, linger, in-flight bound) send:
 * each batch Sluice's accumulator closes is handed to the {@link SendThread}, which sends its records, in order, to
 * that {@code KafkaProducer} with the partition already chosen (by Sluice's partitioner: {@code keyHash} is Kafka's
 * own murmur2 choice). The batch is appended once Kafka acknowledged all of its records, each at its own offset
 * (another producer's records may come between them); the first record Kafka refuses fails it. Answers are handed to
 * {@code results}, a non-blocking thread, never run on Kafka's I/O thread: the user's code downstream of {@code send}
 * runs there. Kafka's producer already drops what it resent itself (idempotence, with {@code Acks.STORED}): Sluice
 * writes no producer id of its own ({@link #newProducerId} is -1).
 */
public final class KafkaTarget implements SendTarget {
    private final Producer<byte[], byte[]> producer;
    private final KafkaTopics topics;
    private final KafkaErrors errors;
    private final SendThread sendThread;
    private final Scheduler sender;
    private final Scheduler results;
    private final MeterRegistry registry;
    private final String node;
    private final Supplier<Throwable> closed;
    private final Runnable unknownTopic;
    private final Map<String, TargetTopic<KafkaPartition>> cache = new ConcurrentHashMap<>();

    /**
     * @param unknownTopic told when a producer asked for a topic not known here: the topics are listed again soon
     */
    public KafkaTarget(Producer<byte[], byte[]> producer, KafkaTopics topics, KafkaErrors errors, SendThread sendThread,
                       Scheduler sender, Scheduler results, MeterRegistry registry, String node, Supplier<Throwable> closed,
                       Runnable unknownTopic) {
        this.producer = producer;
        this.topics = topics;
        this.errors = errors;
        this.sendThread = sendThread;
        this.sender = sender;
        this.results = results;
        this.registry = registry;
        this.node = node;
        this.closed = closed;
        this.unknownTopic = unknownTopic;
    }

    @Override
    public Topic topic(String name) {
        int partitions = topics.partitions(name);
        if (partitions < 0) {
            unknownTopic.run();
            throw UnknownTopicException.withCreateHint(name, errors.where());
        }
        TargetTopic<KafkaPartition> t = cache.get(name);
        if (t == null || t.partitionCount() != partitions) {
            t = newTopic(name, partitions);
            cache.put(name, t);
        }
        return t;
    }

    private TargetTopic<KafkaPartition> newTopic(String name, int count) {
        Counter bytesIn = Counter.builder(SluiceMeters.BYTES_IN).tag(SluiceMeters.TAG_NODE, node).tag(SluiceMeters.TAG_TOPIC, name)
                .register(registry);
        KafkaPartition[] partitions = new KafkaPartition[count];
        for (int i = 0; i < count; i++) {
            partitions[i] = new KafkaPartition(new TopicPartition(name, i), bytesIn);
        }
        Timer sendLatency = Timer.builder(SluiceMeters.SEND_LATENCY).tag(SluiceMeters.TAG_NODE, node).tag(SluiceMeters.TAG_TOPIC, name)
                .register(registry);
        return new TargetTopic<>(TopicSpec.of(name).partitions(count), partitions, sendLatency);
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
        return -1;
    }

    @Override
    public Throwable closedError() {
        return closed.get();
    }

    private final class KafkaPartition implements SendTarget.Partition {
        private final TopicPartition tp;
        private final Counter bytesIn;

        KafkaPartition(TopicPartition tp, Counter bytesIn) {
            this.tp = tp;
            this.bytesIn = bytesIn;
        }

        @Override
        public TopicPartition tp() {
            return tp;
        }

        @Override
        public void append(RecordBatch batch, Acks acks, AppendCallback callback) {
            sendThread.submit(() -> send(tp, batch, callback));
        }

        @Override
        public void countBytesIn(long bytes) {
            bytesIn.increment(bytes);
        }
    }

    /** On the send thread: sends the batch's records and answers {@code callback} once Kafka answered them all. */
    private void send(TopicPartition tp, RecordBatch batch, AppendCallback callback) {
        int count = batch.count();
        long[] offsets = new long[count];
        AtomicInteger outstanding = new AtomicInteger(count);
        BatchAnswer answer = new BatchAnswer(callback, offsets);
        try {
            Throwable refused = closed.get();
            if (refused != null) {
                answer.fail(refused);
                return;
            }
            Iterator<Record> records = batch.records(tp.topic(), tp.partition(), batch.baseOffset());
            for (int i = 0; i < count; i++) {
                Record r = records.next();
                int index = i;
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), r.timestamp(), r.key(), r.value(), headers(r)),
                        (metadata, error) -> {
                            if (error != null) {
                                answer.fail(errors.map(error, tp.topic(), "sending to " + tp));
                            } else {
                                offsets[index] = metadata.offset();
                                if (outstanding.decrementAndGet() == 0) {
                                    answer.succeed();
                                }
                            }
                        });
            }
        } catch (RuntimeException e) {
            answer.fail(errors.map(e, tp.topic(), "sending to " + tp));
        }
    }

    private static Iterable<org.apache.kafka.common.header.Header> headers(Record r) {
        if (r.headers().isEmpty()) {
            return null;
        }
        List<org.apache.kafka.common.header.Header> list = new ArrayList<>(r.headers().size());
        for (Header h : r.headers()) {
            list.add(new RecordHeader(h.key(), h.value()));
        }
        return list;
    }

    /** One answer per batch, handed to the results thread: the first failure, or the offsets once all succeeded. */
    private final class BatchAnswer {
        private final AppendCallback callback;
        private final long[] offsets;
        private final AtomicInteger answered = new AtomicInteger();

        BatchAnswer(AppendCallback callback, long[] offsets) {
            this.callback = callback;
            this.offsets = offsets;
        }

        void succeed() {
            if (answered.compareAndSet(0, 1)) {
                handOff(() -> callback.appendedAt(offsets));
            }
        }

        void fail(Throwable error) {
            if (answered.compareAndSet(0, 1)) {
                handOff(() -> callback.failed(error));
            }
        }

        private void handOff(Runnable task) {
            try {
                results.schedule(task);
            } catch (RuntimeException rejected) { // closing: answer here rather than never
                task.run();
            }
        }
    }
}
