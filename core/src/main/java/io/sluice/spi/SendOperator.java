package io.sluice.spi;

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
 * (send order within a partition).
 *
 * <p>Two halves, as in Kafka's producer. The <em>accumulator</em> (open batches, closing and appending
 * them) is guarded by this object's monitor: the upstream's thread adds each record under it, the sender
 * worker (linger 0) or the linger timer closes batches under it, and batches are appended under it so that
 * a partition's appends keep their order. The monitor is uncontended almost always; nothing shared is
 * written per record by two threads. The <em>results</em> half (acknowledged batches, their results,
 * downstream demand, upstream requests, termination) is a serialized drain loop entered once per batch.
 *
 * <p>Bounds: the records taken from upstream and not yet emitted as results never exceed
 * {@code maxPending}; at most {@code maxInFlight} batches per partition are appended and unacknowledged.
 */
final class SendOperator<T> implements CoreSubscriber<OutboundMessage<T>>, org.reactivestreams.Subscription {
    private static final Logger log = Loggers.getLogger(SendOperator.class);

    private final SendTarget target;
    private final DefaultProducer producer;
    private final CoreSubscriber<? super SendResult<T>> actual;
    private final Partitioner partitioner;
    private final Acks acks;
    private final int batchSize;
    private final int maxInFlight;
    private final int maxPending;
    private final long lingerNanos;
    private final Scheduler timerScheduler;
    /** With linger 0: the worker whose next turn closes the open batches (see {@link #flush}). */
    private final Scheduler.Worker sender;
    /** Appended batches (and, with acks NONE, dispatched ones), for the results loop. */
    private final Queue<Batch> completions = Queues.<Batch>unboundedMultiproducer().get();
    private final Queue<Batch> released = Queues.<Batch>unboundedMultiproducer().get();

    private org.reactivestreams.Subscription upstream;
    private volatile int wip;
    private volatile long requested;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile Throwable upstreamError;
    private volatile Throwable failure;

    // ---- the accumulator: guarded by this ----
    private final Map<SendTarget.Topic, Accumulator[]> accumulators = new IdentityHashMap<>();
    private String lastTopicName;
    private SendTarget.Topic lastTopic;
    private Accumulator[] lastAccumulators;
    private final List<Accumulator> open = new ArrayList<>();
    private boolean flushScheduled;
    private Disposable lingerTimer;
    private boolean stopped;
    /** Records taken from upstream. */
    private long taken;
    /** A batch was closed (and so maybe acknowledged at once) since the last look: the results loop has work. */
    private boolean closedSinceLook;

    // ---- the results loop: owned by drain() ----
    private long upstreamRequested;
    private long emitted;
    private final ArrayDeque<Batch> toEmit = new ArrayDeque<>();
    private int emitIndex;
    private boolean terminated;

    @SuppressWarnings("rawtypes") // a field updater names the class, not a parameterization
    private static final AtomicIntegerFieldUpdater<SendOperator> WIP = AtomicIntegerFieldUpdater.newUpdater(SendOperator.class, "wip");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<SendOperator> REQUESTED = AtomicLongFieldUpdater.newUpdater(SendOperator.class, "requested");

    /** Written into this send's batches: see {@link SendTarget#newProducerId()}. */
    private final long producerId;

    SendOperator(SendTarget target, DefaultProducer producer, ProducerOptions options, CoreSubscriber<? super SendResult<T>> actual) {
        this.target = target;
        this.producerId = target.newProducerId();
        this.producer = producer;
        this.actual = actual;
        this.partitioner = options.partitioner();
        this.acks = options.acks();
        this.batchSize = options.batchSize();
        this.maxInFlight = options.maxInFlight();
        this.maxPending = options.maxPending();
        this.lingerNanos = options.linger().toNanos();
        this.timerScheduler = lingerNanos > 0 ? Schedulers.parallel() : null;
        this.sender = lingerNanos == 0 ? target.senderScheduler().createWorker() : null;
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
        boolean scheduleFlush = false;
        boolean closed;
        synchronized (this) {
            if (stopped) {
                return;
            }
            taken++;
            Accumulator acc = null;
            try {
                acc = add(message);
            } catch (RuntimeException e) {
                failure = e;
            }
            // a partition whose window is full keeps filling its batch: the acknowledgement that frees a slot sends it
            if (acc != null && acc.count > 0 && acc.inFlight >= maxInFlight) {
                acc.heldByWindow = true;
            } else if (sender != null && !flushScheduled && acc != null && acc.count > 0) {
                flushScheduled = scheduleFlush = true;
            }
            closed = closedSinceLook;
            closedSinceLook = false;
        }
        if (scheduleFlush) {
            scheduleFlush();
        }
        if (closed || failure != null) { // acknowledgements from other threads drain by themselves
            drain();
        }
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

    // ---- the accumulator (callers hold this object's monitor) ----

    private Accumulator add(OutboundMessage<T> m) {
        SendTarget.Topic topic = topic(m.topic());
        Accumulator[] accs = lastAccumulators;
        int n = topic.partitionCount();
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
            acc = accs[p] = new Accumulator(topic, topic.partition(p), batchSize);
        }
        int size = BatchBuilder.estimateSize(m.key(), m.value(), m.headers());
        if (acc.count > 0 && (acc.builder.sizeInBytes() + size > batchSize || acc.count >= acc.maxRecords)) {
            close(acc);
        }
        if (acc.count == 0) {
            if (lingerNanos > 0) {
                acc.openedAtNanos = timerScheduler.now(TimeUnit.NANOSECONDS);
                armLingerTimer(acc.openedAtNanos + lingerNanos);
            }
            if (!acc.listed) {
                acc.listed = true;
                open.add(acc);
            }
        }
        acc.add(m.timestamp() == OutboundMessage.UNSET ? target.clockMillis() : m.timestamp(), m);
        return acc;
    }

    /**
     * The topic of a message, cached for runs of messages to one topic. A deleted topic's partitions refuse
     * appends ({@code ClosedException}), so the cache needs no per-record check.
     */
    private SendTarget.Topic topic(String name) {
        if (name == lastTopicName || name.equals(lastTopicName)) {
            return lastTopic;
        }
        SendTarget.Topic t = target.topic(name);
        lastTopicName = name;
        lastTopic = t;
        lastAccumulators = accumulators.computeIfAbsent(t, k -> new Accumulator[k.partitionCount()]);
        return t;
    }

    /** Closes an open batch and appends it, or queues it behind the partition's {@code maxInFlight} batches. */
    private void close(Accumulator acc) {
        closedSinceLook = true;
        Batch b = acc.close(this, producerId);
        partitioner.onBatchClosed(acc.partition.tp().topic(), acc.partition.tp().partition());
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
        b.acc.inFlight++;
        if (acks == Acks.NONE) {
            released.offer(b);
        }
        b.acc.partition.append(b.batch, acks, b);
    }

    /**
     * Closes the open batches that are due: all of them ({@code all}), or those whose linger is up. Unless
     * {@code force}, a batch whose partition has {@code maxInFlight} batches unacknowledged stays open and keeps
     * filling (as Kafka's accumulator does): closing it would only queue it, and a fuller batch costs the same one
     * append; the acknowledgement that frees a slot closes and sends it ({@link #takeCompletions}).
     */
    private void closeOpen(boolean all, boolean force) {
        if (open.isEmpty()) {
            return;
        }
        long now = lingerNanos > 0 ? timerScheduler.now(TimeUnit.NANOSECONDS) : 0;
        for (int i = open.size() - 1; i >= 0; i--) {
            Accumulator acc = open.get(i);
            if (acc.count == 0) {
                acc.listed = false;
                open.remove(i);
            } else if (!force && acc.inFlight >= maxInFlight) {
                acc.heldByWindow = true; // stays open and listed
            } else if (all || now - acc.openedAtNanos >= lingerNanos) {
                close(acc);
                acc.listed = false;
                open.remove(i);
            }
        }
    }

    // ---- closing open batches: linger 0 on the sender's next turn, else when their linger is up ----

    private void scheduleFlush() {
        try {
            sender.schedule(this::flush);
        } catch (RuntimeException rejected) { // the engine is closing
            flush();
        }
    }

    /**
     * With linger 0, open batches close on the sender worker's next turn: the records that arrive before it
     * gets there join their batch, so batches grow by themselves when records come faster than batches are
     * appended, and a lone record waits one thread hand-off (as with Kafka's sender thread).
     */
    private void flush() {
        boolean closed;
        SenderHandOff.open();
        try {
            synchronized (this) {
                flushScheduled = false;
                if (!stopped) {
                    closeOpen(true, false);
                }
                closed = closedSinceLook;
                closedSinceLook = false;
            }
        } finally {
            SenderHandOff.runDeferred(); // outside the monitor: consumers' code never runs under it
        }
        if (closed) {
            drain();
        }
    }

    private void armLingerTimer(long deadlineNanos) {
        if (lingerTimer != null) {
            return;
        }
        long delay = Math.max(0, deadlineNanos - timerScheduler.now(TimeUnit.NANOSECONDS));
        lingerTimer = timerScheduler.schedule(this::lingerExpired, delay, TimeUnit.NANOSECONDS);
    }

    private void lingerExpired() {
        boolean closed;
        synchronized (this) {
            lingerTimer = null;
            if (stopped) {
                return;
            }
            closeOpen(false, false);
            long earliest = Long.MAX_VALUE;
            for (Accumulator acc : open) {
                if (acc.count > 0 && acc.inFlight < maxInFlight) { // a full window's batch waits for an acknowledgement
                    earliest = Math.min(earliest, acc.openedAtNanos);
                }
            }
            if (earliest != Long.MAX_VALUE) {
                armLingerTimer(earliest + lingerNanos);
            }
            closed = closedSinceLook;
            closedSinceLook = false;
        }
        if (closed) {
            drain();
        }
    }

    // ---- the results loop ----

    /** Called by a batch's append callback, on any thread. */
    void completed(Batch b) {
        completions.offer(b);
        if (!Thread.holdsLock(this)) {
            drain();
            return;
        }
        // A synchronous append inside close(): draining here would run downstream code under the monitor.
        // A running loop is told to go round again; otherwise the caller drains after unlocking, as
        // closedSinceLook tells it to.
        for (;;) {
            int w = wip;
            if (w == 0 || WIP.compareAndSet(this, w, w + 1)) {
                return;
            }
        }
    }

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            if (terminated) {
                return;
            }
            if (cancelled) {
                stop();
                return;
            }
            Throwable f = failure;
            if (f != null) {
                stop();
                upstream.cancel();
                actual.onError(f);
                return;
            }
            takeCompletions();
            if (failure != null) {
                continue;
            }
            emitResults();
            if (done) {
                long all;
                synchronized (this) {
                    closeOpen(true, true);
                    all = taken;
                }
                if (!completions.isEmpty() || !released.isEmpty()) {
                    continue;
                }
                if (emitted == all) {
                    stop();
                    Throwable e = upstreamError;
                    if (e != null) {
                        actual.onError(e);
                    } else {
                        actual.onComplete();
                    }
                    return;
                }
            } else {
                requestMore();
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void takeCompletions() {
        Batch b;
        while ((b = released.poll()) != null) {
            toEmit.add(b);
        }
        while ((b = completions.poll()) != null) {
            Accumulator acc = b.acc;
            if (b.error != null) {
                if (acks == Acks.NONE) {
                    log.warn("Append to {} failed and acks are NONE: {}", acc.partition.tp(), b.error.toString());
                } else {
                    failure = b.error;
                    return;
                }
            }
            if (acks != Acks.NONE) {
                acc.topic.recordSendLatency(System.nanoTime() - b.closedAtNanos);
            }
            synchronized (this) {
                acc.inFlight--;
                b.completed = true;
                while (!acc.unacknowledged.isEmpty() && acc.unacknowledged.peek().completed) {
                    toEmit.add(acc.unacknowledged.poll());
                }
                while (acc.inFlight < maxInFlight && !acc.ready.isEmpty()) {
                    dispatch(acc.ready.poll());
                }
                if (acc.heldByWindow && acc.inFlight < maxInFlight && acc.count > 0 && !stopped) {
                    // the batch that filled while the window was full: sent now, or when its linger is up
                    if (lingerNanos == 0 || timerScheduler.now(TimeUnit.NANOSECONDS) - acc.openedAtNanos >= lingerNanos) {
                        close(acc);
                    } else {
                        armLingerTimer(acc.openedAtNanos + lingerNanos);
                    }
                }
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
            actual.onNext(new SendResult<>(b.acc.partition.tp().topic(), b.acc.partition.tp().partition(), offset, b.timestamps[i], correlation));
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

    /** Asks upstream for more while what this send holds stays within {@code maxPending}. */
    private void requestMore() {
        if (cancelled) {
            return;
        }
        long outstanding = upstreamRequested - emitted;
        long free = maxPending - outstanding;
        if (free > 0 && (free >= Math.max(1, maxPending / 4) || outstanding == 0)) {
            upstreamRequested += free;
            upstream.request(free);
        }
    }

    private void stop() {
        terminated = true;
        producer.unregister(this);
        synchronized (this) {
            stopped = true;
            if (lingerTimer != null) {
                lingerTimer.dispose();
            }
            open.clear();
            accumulators.clear();
        }
        if (sender != null) {
            sender.dispose();
        }
        toEmit.clear();
        completions.clear();
        released.clear();
    }

    /** The open batch of one partition, and its batches waiting for a slot or for acknowledgement. */
    static final class Accumulator {
        final SendTarget.Topic topic;
        final SendTarget.Partition partition;
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
        /** In the operator's list of open batches. */
        boolean listed;
        /** The open batch stayed open because the window was full: the next acknowledgement closes it. */
        boolean heldByWindow;

        Accumulator(SendTarget.Topic topic, SendTarget.Partition partition, int batchSize) {
            this.topic = topic;
            this.partition = partition;
            this.maxRecords = (int) Math.min(Integer.MAX_VALUE, topic.maxBatchRecords());
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
            heldByWindow = false;
            int capacity = Math.max(16, count + (count >> 2)); // the next batch is likely as big: no regrowth
            correlations = new Object[capacity];
            timestamps = new long[capacity];
            count = 0;
            bytes = 0;
            return b;
        }
    }

    /** A closed batch on its way: appended, then acknowledged, then emitted as results. */
    static final class Batch implements SendTarget.AppendCallback {
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
