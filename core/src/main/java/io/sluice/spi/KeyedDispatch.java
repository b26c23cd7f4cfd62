package io.sluice.spi;

import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.Result;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.annotation.Nullable;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * {@code Consumer.process}'s scheduler: runs one handler per delivery, at most {@code concurrency} at once; deliveries
 * with the same ordering key run one at a time in the order they came, and a delivery never waits behind another key's
 * handler. Where {@code groupBy} into a fixed number of lanes parks every key of a lane behind its slowest one (and,
 * once that lane's buffer is full, every key behind it), this keeps a queue per key that is waiting, and a FIFO of keys
 * whose next delivery may start.
 *
 * <p>Bounds: at most {@code concurrency} handlers run, and their results wait for downstream demand in the same
 * {@code concurrency} slots (a slot is freed when its result is emitted, so a subscriber that stops requesting stops the
 * handlers). Of the deliveries taken from upstream and not started, at most {@code window} are ready (the next of
 * their key, waiting for a slot) and at most {@code keyBacklog} wait behind an earlier delivery of their key; the
 * deliveries requested and not yet arrived count in both, so neither bound is ever passed. A stalled key's
 * deliveries fill the backlog; then nothing more is taken until a key moves.
 *
 * <p>A handler that completes synchronously is followed by the next one on the same thread, in the same loop: no thread
 * hand-off. A handler's error, an upstream error or a cancel ends everything, as {@code flatMap} does: the running
 * handlers are cancelled and waiting deliveries dropped unacknowledged (redelivered to the group).
 */
final class KeyedDispatch implements CoreSubscriber<Delivery>, Subscription, Scannable {
    /** The ordering key of a delivery, or null for a delivery that may run beside any other. */
    interface OrderingKey extends Function<Delivery, Object> {
    }

    private final CoreSubscriber<? super Result> actual;
    private final Function<Delivery, Mono<Result>> handler;
    private final OrderingKey keyOf;
    private final int concurrency;
    private final int window;
    private final int keyBacklog;
    private final int replenish;
    private final Queue<Delivery> arrivals = Queues.<Delivery>unbounded(Queues.SMALL_BUFFER_SIZE).get();
    private final Queue<Handling> completions = Queues.<Handling>unboundedMultiproducer().get();

    private Subscription upstream;
    private volatile int wip;
    private volatile long requested;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile Throwable error;

    // ---- owned by drain() ----
    /** Keys with a running handler or waiting deliveries. */
    private final Map<Object, KeyQueue> keys = new HashMap<>();
    /** Work that may start, in the order it became ready: a KeyQueue (its head) or an unordered Delivery. */
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private final ArrayDeque<Result> results = new ArrayDeque<>();
    /** The running handlings, a doubly linked list (to cancel them). */
    private Handling first;
    private int running;
    /** Deliveries taken and not started: {@code ready.size()} of them ready, the rest behind their key. */
    private int held;
    /** Deliveries requested from upstream and not yet arrived. */
    private long outstanding;
    private long emitted;
    private volatile boolean terminated;

    private static final AtomicIntegerFieldUpdater<KeyedDispatch> WIP = AtomicIntegerFieldUpdater.newUpdater(KeyedDispatch.class, "wip");
    private static final AtomicLongFieldUpdater<KeyedDispatch> REQUESTED = AtomicLongFieldUpdater.newUpdater(KeyedDispatch.class, "requested");
    private static final AtomicReferenceFieldUpdater<KeyedDispatch, Throwable> ERROR =
            AtomicReferenceFieldUpdater.newUpdater(KeyedDispatch.class, Throwable.class, "error");

    private KeyedDispatch(CoreSubscriber<? super Result> actual, Function<Delivery, Mono<Result>> handler, OrderingKey keyOf,
            int concurrency, int window, int keyBacklog) {
        this.actual = actual;
        this.handler = handler;
        this.keyOf = keyOf;
        this.concurrency = concurrency;
        this.window = window;
        this.keyBacklog = keyBacklog;
        this.replenish = Math.max(1, Math.min(window, keyBacklog) / 4);
    }

    /**
     * {@code handler} applied to every delivery of {@code deliveries}, at most {@code concurrency} at once, deliveries
     * of one {@code keyOf} one at a time in order, at most {@code window} deliveries ready and {@code keyBacklog}
     * behind their key.
     */
    static Flux<Result> dispatch(Flux<Delivery> deliveries, Function<Delivery, Mono<Result>> handler, OrderingKey keyOf,
            int concurrency, int window, int keyBacklog) {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Result> actual) {
                deliveries.subscribe(new KeyedDispatch(actual, handler, keyOf, concurrency, window, keyBacklog));
            }
        };
    }

    /**
     * What {@code process} orders by under {@code options}: with concurrency 1 nothing beyond arrival order (one handler
     * at a time); the topic-partition for {@code PER_PARTITION}; the key's bytes for {@code PER_KEY} (a record without
     * a key keeps its partition's order); nothing for {@code UNORDERED}.
     */
    static OrderingKey orderingKey(ConsumerOptions options) {
        if (options.concurrency() == 1) {
            return d -> null;
        }
        return switch (options.ordering()) {
            case UNORDERED -> d -> null;
            case PER_PARTITION -> d -> new PartitionKey(d.record().topic(), d.record().partition());
            case PER_KEY -> d -> {
                byte[] key = d.record().key();
                return key == null ? new PartitionKey(d.record().topic(), d.record().partition()) : new RecordKey(key);
            };
        };
    }

    /** A topic-partition as an ordering key. */
    private record PartitionKey(String topic, int partition) {
    }

    /** A record key's bytes as an ordering key (equal by content). */
    private record RecordKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RecordKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "RecordKey" + Arrays.toString(bytes);
        }
    }

    @Override
    public Context currentContext() {
        return actual.currentContext();
    }

    // ---- upstream ----

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            actual.onSubscribe(this);
            drain();
        }
    }

    @Override
    public void onNext(Delivery d) {
        if (done) {
            Operators.onNextDropped(d, actual.currentContext());
            return;
        }
        arrivals.offer(d);
        drain();
    }

    @Override
    public void onError(Throwable t) {
        if (done) {
            Operators.onErrorDropped(t, actual.currentContext());
            return;
        }
        fail(t);
        done = true;
        drain();
    }

    @Override
    public void onComplete() {
        if (!done) {
            done = true;
            drain();
        }
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

    private void fail(Throwable t) {
        if (!ERROR.compareAndSet(this, null, t)) {
            Operators.onErrorDropped(t, actual.currentContext());
        }
    }

    // ---- the loop ----

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        do {
            loop();
            missed = WIP.addAndGet(this, -missed);
        } while (missed != 0);
    }

    private void loop() {
        for (;;) {
            if (terminated) {
                arrivals.clear();
                completions.clear();
                return;
            }
            if (cancelled) {
                terminate(null);
                return;
            }
            Throwable e = error;
            if (e != null) {
                upstream.cancel();
                terminate(e);
                return;
            }
            boolean progress = false;
            Handling h;
            while ((h = completions.poll()) != null) {
                finished(h);
                progress = true;
            }
            Delivery d;
            while ((d = arrivals.poll()) != null) {
                arrived(d);
                progress = true;
            }
            progress |= emit();
            while (running + results.size() < concurrency && !ready.isEmpty() && error == null && !cancelled) {
                start(ready.poll());
                progress = true;
            }
            if (done && arrivals.isEmpty() && running == 0 && held == 0 && results.isEmpty() && error == null) {
                terminate(null);
                actual.onComplete();
                return;
            }
            if (!done) {
                int readyCount = ready.size();
                long want = Math.min(window - readyCount, keyBacklog - (held - readyCount)) - outstanding;
                if (want >= replenish || (want > 0 && running == 0 && readyCount == 0 && outstanding == 0)) {
                    outstanding += want;
                    upstream.request(want);
                }
            }
            if (!progress && completions.isEmpty() && arrivals.isEmpty()) {
                return;
            }
        }
    }

    private void arrived(Delivery d) {
        if (outstanding > 0) {
            outstanding--;
        }
        held++;
        Object key = keyOf.apply(d);
        if (key == null) {
            ready.offer(d);
            return;
        }
        KeyQueue q = keys.get(key);
        if (q == null) {
            q = new KeyQueue(key);
            keys.put(key, q);
            q.waiting.offer(d);
            ready.offer(q);
        } else {
            q.waiting.offer(d); // it runs, or it is already in ready: it moves when its head does
        }
    }

    private void start(Object work) {
        Delivery d;
        KeyQueue q;
        if (work instanceof KeyQueue kq) {
            q = kq;
            d = q.waiting.poll();
        } else {
            q = null;
            d = (Delivery) work;
        }
        held--;
        running++;
        Handling h = new Handling(q);
        link(h);
        Mono<Result> outcome;
        try {
            outcome = handler.apply(d);
        } catch (Throwable t) {
            Exceptions.throwIfFatal(t);
            outcome = Mono.error(t);
        }
        outcome.subscribe(h);
    }

    private void finished(Handling h) {
        unlink(h);
        running--;
        if (h.failure != null) {
            fail(h.failure);
            return;
        }
        if (h.result != null) {
            results.offer(h.result);
        }
        KeyQueue q = h.key;
        if (q != null) {
            if (q.waiting.isEmpty()) {
                keys.remove(q.key);
            } else {
                ready.offer(q); // behind the keys that were ready before it: a busy key does not starve the others
            }
        }
    }

    private boolean emit() {
        boolean any = false;
        long r = requested;
        while (emitted != r && !results.isEmpty() && !cancelled) {
            actual.onNext(results.poll());
            emitted++;
            any = true;
            if (emitted == r) {
                r = requested;
            }
        }
        return any;
    }

    private void terminate(@Nullable Throwable e) {
        terminated = true;
        for (Handling h = first; h != null; h = h.next) {
            h.cancel();
        }
        first = null;
        keys.clear();
        ready.clear();
        results.clear();
        arrivals.clear();
        completions.clear();
        if (e != null) {
            actual.onError(e);
        }
    }

    private void link(Handling h) {
        h.next = first;
        if (first != null) {
            first.prev = h;
        }
        first = h;
    }

    private void unlink(Handling h) {
        if (h.prev != null) {
            h.prev.next = h.next;
        } else if (first == h) {
            first = h.next;
        }
        if (h.next != null) {
            h.next.prev = h.prev;
        }
        h.prev = null;
        h.next = null;
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.ACTUAL) {
            return actual;
        }
        if (key == Attr.PARENT) {
            return upstream;
        }
        if (key == Attr.CANCELLED) {
            return cancelled;
        }
        if (key == Attr.TERMINATED) {
            return terminated;
        }
        if (key == Attr.BUFFERED) {
            return held;
        }
        if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
            return requested;
        }
        if (key == Attr.PREFETCH) {
            return window;
        }
        if (key == Attr.CAPACITY) {
            return window + keyBacklog;
        }
        return null;
    }

    /** A key's waiting deliveries (its handler runs, or its head is in {@code ready}). */
    private static final class KeyQueue {
        final Object key;
        final ArrayDeque<Delivery> waiting = new ArrayDeque<>(4);

        KeyQueue(Object key) {
            this.key = key;
        }
    }

    /** One running handler: subscribes to its Mono and reports its end to the loop. */
    private final class Handling implements CoreSubscriber<Result> {
        final KeyQueue key;
        Handling prev;
        Handling next;
        volatile Subscription s;
        volatile boolean stopped;
        Result result;
        Throwable failure;
        private boolean ended;

        Handling(KeyQueue key) {
            this.key = key;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            this.s = s;
            if (stopped) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(Result r) {
            result = r;
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
            end();
        }

        @Override
        public void onComplete() {
            end();
        }

        private void end() {
            if (!ended) {
                ended = true;
                completions.offer(this);
                drain();
            }
        }

        void cancel() {
            stopped = true;
            Subscription sub = s;
            if (sub != null) {
                sub.cancel();
            }
        }
    }
}
