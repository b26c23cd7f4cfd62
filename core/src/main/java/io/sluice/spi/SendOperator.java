package io.sluice.spi;

import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * One {@code Producer.send}: takes messages from upstream, accumulates them per partition into batches,
 * appends each batch once, and emits one {@link SendResult} per message in acknowledgement order
 * (send order within a partition).
 *
 * <p>Two halves, as in Kafka's producer. The <em>accumulator</em> (open batches, linger, the in-flight window
 * per partition, closing and appending batches) is the {@link RecordAccumulator}, guarded by its own monitor.
 * This class is the <em>results</em> half (Reactive Streams plumbing, acknowledged batches, their results,
 * downstream demand, upstream requests, termination): a serialized drain loop entered once per batch.
 *
 * <p>Bounds: the records taken from upstream and not yet emitted as results never exceed
 * {@code maxPending}; at most {@code maxInFlight} batches per partition are appended and unacknowledged.
 */
final class SendOperator<T> implements CoreSubscriber<OutboundMessage<T>>, org.reactivestreams.Subscription,
        RecordAccumulator.Results {
    private static final Logger log = Loggers.getLogger(SendOperator.class);

    private final DefaultProducer producer;
    private final CoreSubscriber<? super SendResult<T>> actual;
    private final Acks acks;
    private final int maxPending;
    private final RecordAccumulator accumulator;
    /** Appended batches (and, with acks NONE, dispatched ones), for the results loop. */
    private final Queue<ProducerBatch> completions = Queues.<ProducerBatch>unboundedMultiproducer().get();
    private final Queue<ProducerBatch> released = Queues.<ProducerBatch>unboundedMultiproducer().get();

    private org.reactivestreams.Subscription upstream;
    private volatile int wip;
    private volatile long requested;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile Throwable upstreamError;
    private volatile Throwable failure;
    /** The Sluice is closing: the send stops taking records, and ends with this once what it took is acknowledged. */
    private volatile Throwable closing;
    /** Completed once this send has signalled its end downstream, however it ended (see {@link Producers#close}). */
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    // ---- the results loop: owned by drain() ----
    private long upstreamRequested;
    private long emitted;
    private final ArrayDeque<ProducerBatch> toEmit = new ArrayDeque<>();
    private int emitIndex;
    private boolean terminated;
    /** Seen {@link #closing} while the upstream was not done: it was cancelled, and the send ends with this error. */
    private Throwable closedEnd;
    private boolean closingSeen;

    @SuppressWarnings("rawtypes") // a field updater names the class, not a parameterization
    private static final AtomicIntegerFieldUpdater<SendOperator> WIP = AtomicIntegerFieldUpdater.newUpdater(SendOperator.class, "wip");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<SendOperator> REQUESTED = AtomicLongFieldUpdater.newUpdater(SendOperator.class, "requested");

    SendOperator(SendTarget target, DefaultProducer producer, ProducerOptions options, CoreSubscriber<? super SendResult<T>> actual) {
        this.accumulator = new RecordAccumulator(target, options, this);
        this.producer = producer;
        this.actual = actual;
        this.acks = options.acks();
        this.maxPending = options.maxPending();
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
        if (message == null) {
            throw brokenUpstream("onNext(null)", true);
        }
        if (done) {
            Operators.onNextDropped(message, currentContext());
            return;
        }
        RecordAccumulator.Added added = accumulator.add(message);
        if (added == RecordAccumulator.Added.STOPPED) {
            return;
        }
        if (added == RecordAccumulator.Added.CLOSED_A_BATCH || failure != null) { // acknowledgements from other threads drain by themselves
            drain();
        }
    }

    @Override
    public void onError(Throwable t) {
        if (t == null) {
            throw brokenUpstream("onError(null)", false);
        }
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

    /**
     * Reactive Streams rule 2.13: a null signal is thrown back to the publisher as a {@link NullPointerException},
     * and its subscription counts as cancelled. The send ends as if the upstream had failed with that exception: the
     * results of the records taken before it, then the error (a broken upstream is never reported as success).
     */
    private NullPointerException brokenUpstream(String signal, boolean cancelUpstream) {
        NullPointerException e = new NullPointerException("the publisher given to send called " + signal
                + ", which Reactive Streams forbids (rule 2.13): the send fails");
        if (!done && upstream != null) { // before onSubscribe there is no send to end yet
            if (cancelUpstream) {
                upstream.cancel();
            }
            upstreamError = e;
            done = true;
            drain();
        }
        return e;
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

    /**
     * The Sluice is closing: this send stops taking records from its upstream (cancels it), closes its open batches at
     * once, lets the batches already taken be appended and acknowledged, emits their results, then ends with
     * {@code error}. When its upstream had already completed (or failed), the send ends as it would have. A
     * {@link #fail} later (the bound of the close's wait) still ends it at once.
     */
    void drainThenEnd(Throwable error) {
        if (closing == null) {
            closing = error;
        }
        drain();
    }

    /** Ends this send with {@code error} (producer or engine closed). */
    void fail(Throwable error) {
        if (failure == null) {
            failure = error;
        }
        drain();
    }

    // ---- what the accumulator reports ----

    /** Called by a batch's append callback, on any thread. */
    @Override
    public void completed(ProducerBatch b) {
        completions.offer(b);
        if (!Thread.holdsLock(accumulator)) {
            drain();
            return;
        }
        // A synchronous append inside the accumulator's close(): draining here would run downstream code under
        // its monitor. A running loop is told to go round again; otherwise the caller drains after unlocking, as
        // the accumulator tells it to (Added.CLOSED_A_BATCH, batchesClosed).
        for (;;) {
            int w = wip;
            if (w == 0 || WIP.compareAndSet(this, w, w + 1)) {
                return;
            }
        }
    }

    @Override
    public void released(ProducerBatch b) {
        released.offer(b);
    }

    @Override
    public void addFailed(RuntimeException error) {
        failure = error;
    }

    @Override
    public void batchesClosed() {
        drain();
    }

    // ---- the results loop ----

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
                ended.complete(null);
                return;
            }
            Throwable f = failure;
            if (f != null) {
                stop();
                upstream.cancel();
                try {
                    actual.onError(f);
                } finally {
                    ended.complete(null);
                }
                return;
            }
            if (closing != null && !closingSeen) {
                closingSeen = true;
                if (!done) {
                    closedEnd = closing;
                    upstream.cancel(); // here, in the loop: the upstream's request and cancel stay serialized
                }
                accumulator.stopTaking();
            }
            takeCompletions();
            if (failure != null) {
                continue;
            }
            emitResults();
            if (done || closedEnd != null) {
                long all = accumulator.closeAll();
                if (!completions.isEmpty() || !released.isEmpty()) {
                    continue;
                }
                if (emitted == all) {
                    stop();
                    Throwable e = upstreamError != null ? upstreamError : closedEnd;
                    try {
                        if (e != null) {
                            actual.onError(e);
                        } else {
                            actual.onComplete();
                        }
                    } finally {
                        ended.complete(null); // after the signal: a close() waiting for it returns once the send has ended
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
        ProducerBatch b;
        while ((b = released.poll()) != null) {
            toEmit.add(b);
        }
        while ((b = completions.poll()) != null) {
            PartitionBatches acc = b.acc;
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
            accumulator.acknowledged(b, toEmit);
        }
    }

    private void emitResults() {
        long r = requested;
        long e = 0;
        while (e != r && !toEmit.isEmpty()) {
            ProducerBatch b = toEmit.peek();
            int i = emitIndex;
            long offset = acks == Acks.NONE ? -1 : b.offset(i);
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
        accumulator.stop();
        toEmit.clear();
        completions.clear();
        released.clear();
    }
}
