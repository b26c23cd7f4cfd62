package io.sluice.internal;

import io.sluice.errors.UnknownTopicException;
import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.partition.Partitioner;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * One {@code Producer.send}: takes messages from upstream, accumulates them per partition into batches,
 * appends each batch once, and emits one {@link SendResult} per message in acknowledgement order
 * (send order within a partition). Everything runs in one serialized drain loop, entered from whichever
 * thread signals (upstream, downstream demand, an append callback, the linger timer).
 *
 * <p>Bounds: the records taken from upstream and not yet emitted as results never exceed
 * {@code maxPending}; at most {@code maxInFlight} batches per partition are appended and unacknowledged.
 * With linger 0 a batch closes when the loop has taken everything upstream had ready.
 */
final class SendOperator<T> implements CoreSubscriber<OutboundMessage<T>>, org.reactivestreams.Subscription {
    private static final Logger log = Loggers.getLogger(SendOperator.class);

    private final Engine engine;
    private final DefaultProducer producer;
    private final CoreSubscriber<? super SendResult<T>> actual;
    private final Partitioner partitioner;
    private final Acks acks;
    private final int batchSize;
    private final int maxInFlight;
    private final int maxPending;
    private final long lingerNanos;
    private final Queue<OutboundMessage<T>> inbound;
    private final Queue<Batch> completions = Queues.<Batch>unboundedMultiproducer().get();

    private org.reactivestreams.Subscription upstream;
    private volatile int wip;
    private volatile long requested;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile Throwable upstreamError;
    private volatile Throwable failure;
    private volatile boolean lingerExpired;
    private boolean terminated;

    // owned by the drain loop
    private long upstreamRequested;
    private long emitted;
    private final Map<TopicState, Accumulator[]> accumulators = new IdentityHashMap<>();
    private String lastTopicName;
    private TopicState lastTopic;
    private Accumulator[] lastAccumulators;
    private final List<Accumulator> open = new ArrayList<>();
    private final ArrayDeque<Batch> toEmit = new ArrayDeque<>();
    private int emitIndex;
    private Disposable lingerTimer;
    private final Scheduler timerScheduler;

    private static final AtomicIntegerFieldUpdater<SendOperator> WIP = AtomicIntegerFieldUpdater.newUpdater(SendOperator.class, "wip");
    private static final AtomicLongFieldUpdater<SendOperator> REQUESTED = AtomicLongFieldUpdater.newUpdater(SendOperator.class, "requested");

    SendOperator(Engine engine, DefaultProducer producer, ProducerOptions options, CoreSubscriber<? super SendResult<T>> actual) {
        this.engine = engine;
        this.producer = producer;
        this.actual = actual;
        this.partitioner = options.partitioner();
        this.acks = options.acks();
        this.batchSize = options.batchSize();
        this.maxInFlight = options.maxInFlight();
        this.maxPending = options.maxPending();
        this.lingerNanos = options.linger().toNanos();
        this.inbound = Queues.<OutboundMessage<T>>get(maxPending).get();
        this.timerScheduler = lingerNanos > 0 ? Schedulers.parallel() : null;
    }

    @Override
    public Context currentContext() {
        return actual.currentContext();
    }

    // ---- upstream ----

    @Override
    public void onSubscribe(org.reactivestreams.Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            producer.register(this);
            actual.onSubscribe(this);
            drain();
        }
    }

    @Override
    public void onNext(OutboundMessage<T> message) {
        if (done) {
            Operators.onNextDropped(message, currentContext());
            return;
        }
        if (!inbound.offer(message)) {
            failure = Operators.onOperatorError(upstream, new IllegalStateException("upstream sent more than requested"), message, currentContext());
        }
        drain();
    }

    @Override
    public void onError(Throwable t) {
        if (done) {
            Operators.onErrorDropped(t, currentContext());
            return;
        }
        upstreamError = t;
        done = true;
        drain();
    }

    @Override
    public void onComplete() {
        done = true;
        drain();
    }

    // ---- downstream ----

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            Operators.addCap(REQUESTED, this, n);
            drain();
        }
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            upstream.cancel();
            drain();
        }
    }

    /** Ends this send with {@code error} (producer or engine closed). */
    void fail(Throwable error) {
        if (failure == null) {
            failure = error;
        }
        drain();
    }

    // ---- the loop ----

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            if (terminated) {
                clear();
                return;
            }
            if (cancelled) {
                terminate();
                clear();
                return;
            }
            Throwable f = failure;
            if (f != null) {
                terminate();
                clear();
                upstream.cancel();
                actual.onError(f);
                return;
            }
            try {
                takeCompletions();
                emitResults();
                takeMessages();
                closeBatches();
                requestMore();
            } catch (RuntimeException e) {
                failure = e;
                continue;
            }
            if (failure != null) {
                continue;
            }
            if (done && inbound.isEmpty() && emitted == taken()) {
                terminate();
                Throwable e = upstreamError;
                if (e != null) {
                    actual.onError(e);
                } else {
                    actual.onComplete();
                }
                return;
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private long taken;

    private long taken() {
        return taken;
    }

    private void takeCompletions() {
        Batch b;
        while ((b = completions.poll()) != null) {
            Accumulator acc = b.acc;
            acc.inFlight--;
            if (b.error != null) {
                if (acks == Acks.NONE) {
                    log.warn("Append to {} failed and acks are NONE: {}", acc.partition.tp, b.error.toString());
                } else {
                    failure = b.error;
                    return;
                }
            }
            if (acks != Acks.NONE) {
                b.completed = true;
                acc.topic.sendLatency.record(System.nanoTime() - b.closedAtNanos, TimeUnit.NANOSECONDS);
                while (!acc.unacknowledged.isEmpty() && acc.unacknowledged.peek().completed) {
                    toEmit.add(acc.unacknowledged.poll());
                }
            }
            while (acc.inFlight < maxInFlight && !acc.ready.isEmpty()) {
                dispatch(acc.ready.poll());
            }
        }
    }

    private void emitResults() {
        long r = requested;
        long e = 0;
        while (e != r && !toEmit.isEmpty()) {
            Batch b = toEmit.peek();
            int i = emitIndex;
            long offset = acks == Acks.NONE ? -1 : b.baseOffset + i;
            @SuppressWarnings("unchecked")
            T correlation = (T) b.correlations[i];
            actual.onNext(new SendResult<>(b.acc.partition.tp.topic(), b.acc.partition.tp.partition(), offset, b.timestamps[i], correlation));
            e++;
            if (++emitIndex == b.count) {
                toEmit.poll();
                emitIndex = 0;
            }
        }
        if (e != 0) {
            emitted += e;
            if (r != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -e);
            }
        }
    }

    private void takeMessages() {
        long now = engine.clockMillis();
        OutboundMessage<T> m;
        while ((m = inbound.poll()) != null) {
            taken++;
            add(m, now);
        }
    }

    private void add(OutboundMessage<T> m, long now) {
        TopicState topic = topic(m.topic());
        Accumulator[] accs = lastAccumulators;
        int n = topic.partitions.length;
        int p = m.partition();
        if (p == OutboundMessage.UNSET) {
            p = partitioner.partition(m, n);
            if (p < 0 || p >= n) {
                throw new IllegalStateException("partitioner " + partitioner + " chose partition " + p + " of topic " + topic.name()
                        + ", which has " + n + " partitions");
            }
        } else if (p >= n) {
            throw new IllegalArgumentException("message partition " + p + " does not exist: topic " + topic.name() + " has " + n + " partitions");
        }
        Accumulator acc = accs[p];
        if (acc == null) {
            acc = accs[p] = new Accumulator(topic, topic.partitions[p], batchSize);
        }
        int size = BatchBuilder.estimateSize(m.key(), m.value(), m.headers());
        if (acc.count > 0 && (acc.builder.sizeInBytes() + size > batchSize || acc.count >= acc.maxRecords)) {
            close(acc);
        }
        if (acc.count == 0) {
            acc.openedAtNanos = lingerNanos > 0 ? timerScheduler.now(TimeUnit.NANOSECONDS) : 0;
            open.add(acc);
        }
        acc.add(m.timestamp() == OutboundMessage.UNSET ? now : m.timestamp(), m);
    }

    private TopicState topic(String name) {
        if (name.equals(lastTopicName) && !lastTopic.deleted) {
            return lastTopic;
        }
        TopicState t = engine.topicOrNull(name);
        if (t == null) {
            throw new UnknownTopicException("unknown topic '" + name + "': create it with admin().createTopic(TopicSpec.of(\"" + name + "\"))");
        }
        lastTopicName = name;
        lastTopic = t;
        lastAccumulators = accumulators.computeIfAbsent(t, k -> new Accumulator[k.partitions.length]);
        return t;
    }

    /** Closes open batches that are due: all of them with linger 0 or at the end, else those past their linger. */
    private void closeBatches() {
        if (open.isEmpty()) {
            return;
        }
        if (lingerExpired) {
            lingerExpired = false;
            lingerTimer = null;
        }
        if (lingerNanos == 0 || done) {
            for (Accumulator acc : open) {
                if (acc.count > 0) {
                    close(acc);
                }
            }
            open.clear();
            return;
        }
        long now = timerScheduler.now(TimeUnit.NANOSECONDS);
        long earliest = Long.MAX_VALUE;
        for (int i = open.size() - 1; i >= 0; i--) {
            Accumulator acc = open.get(i);
            if (acc.count == 0) {
                open.remove(i);
            } else if (now - acc.openedAtNanos >= lingerNanos) {
                close(acc);
                open.remove(i);
            } else {
                earliest = Math.min(earliest, acc.openedAtNanos);
            }
        }
        if (earliest != Long.MAX_VALUE && lingerTimer == null) {
            long delay = Math.max(0, earliest + lingerNanos - now);
            lingerTimer = timerScheduler.schedule(() -> {
                lingerExpired = true;
                drain();
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void close(Accumulator acc) {
        Batch b = acc.close(this, producer.producerId);
        partitioner.onBatchClosed(acc.partition.tp.topic(), acc.partition.tp.partition());
        if (acks != Acks.NONE) {
            acc.unacknowledged.add(b);
        }
        if (acc.inFlight < maxInFlight) {
            dispatch(b);
        } else {
            acc.ready.add(b);
        }
    }

    private void dispatch(Batch b) {
        Accumulator acc = b.acc;
        acc.inFlight++;
        if (acks == Acks.NONE) {
            toEmit.add(b);
        }
        engine.append(acc.partition, b.batch, acks, b);
    }

    private void requestMore() {
        if (done || cancelled) {
            return;
        }
        long outstanding = upstreamRequested - emitted;
        long free = maxPending - outstanding;
        if (free > 0 && (free >= Math.max(1, maxPending / 4) || outstanding == 0)) {
            upstreamRequested += free;
            upstream.request(free);
        }
    }

    private void terminate() {
        if (!terminated) {
            terminated = true;
            producer.unregister(this);
            if (lingerTimer != null) {
                lingerTimer.dispose();
            }
        }
    }

    private void clear() {
        inbound.clear();
        toEmit.clear();
        open.clear();
        accumulators.clear();
    }

    /** Called by a batch's append callback, on any thread. */
    void completed(Batch b) {
        completions.offer(b);
        drain();
    }

    /** The open batch of one partition, and its batches waiting for a slot or for acknowledgement. */
    static final class Accumulator {
        final TopicState topic;
        final PartitionState partition;
        final int maxRecords;
        final BatchBuilder builder;
        final ArrayDeque<Batch> ready = new ArrayDeque<>();
        final ArrayDeque<Batch> unacknowledged = new ArrayDeque<>();
        Object[] correlations = new Object[16];
        long[] timestamps = new long[16];
        int count;
        long bytes;
        long openedAtNanos;
        int inFlight;
        int nextSequence;

        Accumulator(TopicState topic, PartitionState partition, int batchSize) {
            this.topic = topic;
            this.partition = partition;
            this.maxRecords = (int) Math.min(Integer.MAX_VALUE, topic.spec.maxBacklog());
            this.builder = new BatchBuilder(Math.min(batchSize, 64 * 1024) + RecordBatch.HEADER_SIZE);
        }

        void add(long timestamp, OutboundMessage<?> m) {
            if (count == correlations.length) {
                correlations = Arrays.copyOf(correlations, count * 2);
                timestamps = Arrays.copyOf(timestamps, count * 2);
            }
            builder.append(timestamp, m.key(), m.value(), m.headers());
            correlations[count] = m.correlation();
            timestamps[count] = timestamp;
            bytes += (m.key() == null ? 0 : m.key().length) + m.value().length;
            count++;
        }

        Batch close(SendOperator<?> owner, long producerId) {
            Batch b = new Batch(owner, this, builder.build(producerId, nextSequence), correlations, timestamps, count, bytes);
            nextSequence += count;
            correlations = new Object[Math.max(16, count)];
            timestamps = new long[Math.max(16, count)];
            count = 0;
            bytes = 0;
            return b;
        }
    }

    /** A closed batch on its way: appended, then acknowledged, then emitted as results. */
    static final class Batch implements PartitionState.AppendCallback {
        final SendOperator<?> owner;
        final Accumulator acc;
        final RecordBatch batch;
        final Object[] correlations;
        final long[] timestamps;
        final int count;
        final long bytes;
        final long closedAtNanos = System.nanoTime();
        volatile long baseOffset;
        volatile Throwable error;
        boolean completed;

        Batch(SendOperator<?> owner, Accumulator acc, RecordBatch batch, Object[] correlations, long[] timestamps, int count, long bytes) {
            this.owner = owner;
            this.acc = acc;
            this.batch = batch;
            this.correlations = correlations;
            this.timestamps = timestamps;
            this.count = count;
            this.bytes = bytes;
        }

        @Override
        public void appended(long base) {
            baseOffset = base;
            acc.partition.countBytesIn(bytes);
            owner.completed(this);
        }

        @Override
        public void failed(Throwable e) {
            error = e;
            owner.completed(this);
        }
    }
}
