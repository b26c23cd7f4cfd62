package io.sluice.kafka.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.UnknownTopicException;
import io.sluice.log.RecordBatch;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.TopicPartition;
import io.sluice.spi.MessageBatch;
import io.sluice.spi.SendTarget;
import io.sluice.spi.TargetTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import reactor.core.scheduler.Scheduler;
import reactor.util.Loggers;

/**
 * Where the producers of one Kafka producer configuration ({@code acks}, batch size, linger, in-flight bound) send:
 * each batch Sluice's accumulator closes (on the {@link SendThread}, the producers' sender scheduler) is sent by that
 * thread, its records in order, to that {@code KafkaProducer} with the partition already chosen (by Sluice's
 * partitioner: {@code keyHash} is Kafka's own murmur2 choice). The batches are the messages as sent
 * ({@link MessageBatch}: Kafka's producer encodes them, so Sluice does not encode them first), and one callback object
 * answers for all of a batch's records ({@link BatchAnswer}). The batch is appended once Kafka acknowledged all of its
 * records, each at its own offset (another producer's records may come between them); the first record Kafka refuses
 * fails it. Answers go back to the send thread, in turns ({@link #answer}), never run on Kafka's I/O thread: the
 * user's code downstream of {@code send} runs there, and with it the next records of a send's upstream, so that a
 * producer's whole pipeline runs on one thread beside Kafka's I/O thread, as a plain Kafka producer's loop does. Kafka's producer already drops what it
 * resent itself (idempotence, with {@code Acks.STORED}): Sluice writes no producer id of its own
 * ({@link #newProducerId} is -1).
 */
public final class KafkaTarget implements SendTarget {
    private final Producer<byte[], byte[]> producer;
    private final KafkaTopics topics;
    private final KafkaErrors errors;
    private final SendThread sendThread;
    private final Scheduler sender;
    private final MeterRegistry registry;
    private final String node;
    private final Supplier<Throwable> closed;
    private final Runnable unknownTopic;
    private final Map<String, TargetTopic<KafkaPartition>> cache = new ConcurrentHashMap<>();
    /** Batches' answers not yet run on the send thread, and how many were added since its turn began. */
    private final Queue<Runnable> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger answering = new AtomicInteger();

    /**
     * @param unknownTopic told when a producer asked for a topic not known here: the topics are listed again soon
     */
    public KafkaTarget(Producer<byte[], byte[]> producer, KafkaTopics topics, KafkaErrors errors, SendThread sendThread,
                       Scheduler sender, MeterRegistry registry, String node, Supplier<Throwable> closed,
                       Runnable unknownTopic) {
        this.producer = producer;
        this.topics = topics;
        this.errors = errors;
        this.sendThread = sendThread;
        this.sender = sender;
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
            callback.failed(new UnsupportedOperationException(tp + " on Kafka appends messages, not encoded batches"));
        }

        @Override
        public boolean appendsMessages() {
            return true; // Kafka's producer encodes them: an encoded Sluice batch would only be decoded again
        }

        @Override
        public void append(MessageBatch messages, Acks acks, AppendCallback callback) {
            try {
                sendThread.execute(() -> send(tp, messages, callback));
            } catch (RejectedExecutionException closing) {
                Throwable e = closed.get();
                callback.failed(e != null ? e : closing);
            }
        }

        @Override
        public void countBytesIn(long bytes) {
            bytesIn.increment(bytes);
        }
    }

    /** On the send thread: sends the batch's messages and answers {@code callback} once Kafka answered them all. */
    private void send(TopicPartition tp, MessageBatch messages, AppendCallback callback) {
        BatchAnswer answer = new BatchAnswer(tp, callback, messages.count());
        try {
            Throwable refused = closed.get();
            if (refused != null) {
                answer.fail(refused);
                return;
            }
            for (int i = 0, n = messages.count(); i < n; i++) {
                OutboundMessage<?> m = messages.message(i);
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), messages.timestamp(i), m.key(), m.value(), headers(m.headers())),
                        answer);
                if (answer.answered()) { // Kafka refused the record at once: the batch has failed, the rest is not sent
                    return;
                }
            }
        } catch (RuntimeException e) {
            answer.fail(errors.map(e, tp.topic(), "sending to " + tp));
        }
    }

    private static Iterable<org.apache.kafka.common.header.Header> headers(Headers headers) {
        if (headers.isEmpty()) {
            return null;
        }
        List<org.apache.kafka.common.header.Header> list = new ArrayList<>(headers.size());
        for (Header h : headers) {
            list.add(new RecordHeader(h.key(), h.value()));
        }
        return list;
    }

    /**
     * Kafka's callback for every record of one batch, and the batch's one answer, handed to the send thread: the
     * first failure, or the offsets once all succeeded. One object per batch, not one per record: Kafka calls back the
     * records of one partition in the order they were sent (its {@code KafkaProducer.send} javadoc), so the n-th
     * success is record n's. Successes come on Kafka's one I/O thread; a failure may also come on the send thread
     * (a send Kafka refused at once), after which nothing else is answered.
     */
    private final class BatchAnswer implements Callback {
        private final TopicPartition tp;
        private final AppendCallback callback;
        private final long[] offsets;
        /** The records Kafka acknowledged so far; touched on Kafka's I/O thread only. */
        private int acknowledged;
        private final AtomicInteger answered = new AtomicInteger();

        BatchAnswer(TopicPartition tp, AppendCallback callback, int count) {
            this.tp = tp;
            this.callback = callback;
            this.offsets = new long[count];
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error != null) {
                fail(errors.map(error, tp.topic(), "sending to " + tp));
            } else {
                offsets[acknowledged++] = metadata.offset();
                if (acknowledged == offsets.length) {
                    succeed();
                }
            }
        }

        boolean answered() {
            return answered.get() != 0;
        }

        void succeed() {
            if (answered.compareAndSet(0, 1)) {
                answer(() -> callback.appendedAt(offsets));
            }
        }

        void fail(Throwable error) {
            if (answered.compareAndSet(0, 1)) {
                answer(() -> callback.failed(error));
            }
        }
    }

    /**
     * Runs a batch's answer on the send thread. Kafka's I/O thread answers the batches of a whole produce response at
     * once: they go in one turn of the send thread, not one hand-off (and wake-up) each.
     */
    private void answer(Runnable task) {
        answers.offer(task);
        if (answering.getAndIncrement() == 0) {
            try {
                sendThread.execute(this::answerAll);
            } catch (RejectedExecutionException closed) { // closing: answer here rather than never
                answerAll();
            }
        }
    }

    private void answerAll() {
        int missed = 1;
        for (;;) {
            Runnable task;
            while ((task = answers.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) { // a bug downstream: the answers after it still run
                    Loggers.getLogger(KafkaTarget.class).error("A send's answer failed", e);
                }
            }
            missed = answering.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }
}
