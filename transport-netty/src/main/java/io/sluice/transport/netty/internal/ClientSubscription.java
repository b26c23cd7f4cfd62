package io.sluice.transport.netty.internal;

import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Delivery;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.record.Record;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.netty.Connection;
import reactor.util.concurrent.Queues;

/**
 * One {@code receive()} of a remote consumer: a group membership on the node, kept across reconnects. The client
 * grants the node credits (request-n, in records): {@code prefetch} at first, then what downstream has taken each
 * time that reaches three quarters of it, so at most {@code prefetch} records are buffered here. Deliveries are
 * emitted on the connection's event loop, also when downstream requests from another thread: a subscriber's code
 * runs on a non-blocking thread, as in the embedded engine (and Reactor refuses {@code block()} there).
 *
 * <p>When the connection drops the node's member leaves (its unacknowledged records go to other members, or to
 * this one again): the records buffered here are dropped, acknowledgements of earlier deliveries are ignored, and
 * once reconnected the subscription starts again with fresh credits.
 *
 * <p>When the subscription ends (cancelled, or the client closes) the acknowledgements waiting are written, then a
 * commit and the unsubscribe: what was acknowledged before the end is committed, and {@link #commit()} answers with
 * that commit from then on. Acknowledgements and commits after the end send nothing: acknowledgements are ignored
 * (the node has handed the records to another member or will deliver them again), as in the embedded engine.
 */
final class ClientSubscription implements Subscription, io.sluice.spi.AbstractConsumer.Membership {
    final int id;
    private final ClientConnection connection;
    private final ConsumerOptions options;
    private final CoreSubscriber<? super Delivery> actual;
    private final Consumer<RebalanceEvent> rebalances;
    private final Runnable onEnd;
    private final Queue<RemoteDelivery> queue = Queues.<RemoteDelivery>unboundedMultiproducer().get();
    private final int creditBatch;
    /** Records buffered here (received, not yet requested downstream) each time a DELIVER frame arrives. */
    private final io.micrometer.core.instrument.DistributionSummary buffered;

    private volatile Connection current;
    /** Incremented at every (re)subscription; deliveries of an older one are not acknowledged. */
    private volatile int epoch;
    private volatile boolean resetCredits;
    private volatile long requested;
    private volatile int wip;
    private volatile boolean cancelled;
    private volatile Throwable error;
    /** The commit made when the subscription ended; null until then. Written under acksLock. */
    private volatile Mono<Void> ended;
    private boolean terminated;
    /** Records emitted since the last credit; drain loop only. */
    private long consumedSinceCredit;

    // ---- acknowledgements waiting to be written: guarded by acksLock ----
    private final Object acksLock = new Object();
    private long[] acks = new long[64];
    private int ackCount;
    private boolean ackFlushScheduled;
    private final Runnable flushAcks = this::flushAcks;
    private final Runnable drainLoop = this::drainLoop;

    private static final AtomicIntegerFieldUpdater<ClientSubscription> WIP = AtomicIntegerFieldUpdater.newUpdater(ClientSubscription.class, "wip");
    private static final AtomicLongFieldUpdater<ClientSubscription> REQUESTED = AtomicLongFieldUpdater.newUpdater(ClientSubscription.class, "requested");

    ClientSubscription(int id, ClientConnection connection, ConsumerOptions options, CoreSubscriber<? super Delivery> actual,
                       Consumer<RebalanceEvent> rebalances, Runnable onEnd, io.micrometer.core.instrument.DistributionSummary buffered) {
        this.id = id;
        this.connection = connection;
        this.options = options;
        this.actual = actual;
        this.rebalances = rebalances;
        this.onEnd = onEnd;
        this.buffered = buffered;
        this.creditBatch = Math.max(1, options.prefetch() / 4);
    }

    /** The connection is ready: subscribe on it, with a full prefetch of credits. */
    void connected(Connection c) {
        synchronized (this) {
            if (current == c || cancelled || terminated) {
                return;
            }
            newEpoch(c);
            resetCredits = true;
        }
        connection.write(c, SubscribeCodec.encode(id, options));
        sendCredit(c, options.prefetch());
    }

    void disconnected(Connection c) {
        synchronized (this) {
            if (current != c) {
                return;
            }
            newEpoch(null);
        }
    }

    /**
     * A new membership (or none): buffered records and waiting acknowledgements belong to the old one. The node
     * numbers deliveries from 0 in each membership, so an old number must never reach the new one.
     */
    private void newEpoch(Connection c) {
        synchronized (acksLock) {
            current = c;
            epoch++;
            ackCount = 0;
        }
        queue.clear();
    }

    private void sendCredit(Connection c, long n) {
        connection.write(c, CreditCodec.encode(id, n));
    }

    /** A DELIVER, REBALANCE or ERROR frame on this subscription's stream. */
    void onFrame(Connection c, FrameReader r) {
        if (c != current) {
            return;
        }
        switch (r.kind) {
            case Frames.DELIVER -> deliver(r);
            case Frames.REBALANCE -> rebalances.accept(RebalanceCodec.read(r));
            case Frames.ERROR -> fail(ErrorCodec.read(r));
            default -> throw r.invalid("not expected on a subscription");
        }
    }

    /** Queues the frame's records, numbered for this membership ({@link DeliverCodec}), and drains. */
    private void deliver(FrameReader r) {
        int e = epoch;
        DeliverCodec.read(r, (deliveryId, record) -> queue.offer(new RemoteDelivery(this, e, deliveryId, record)));
        buffered.record(queue.size());
        drain();
    }

    /** The node ended the subscription, or the client closed. */
    void fail(Throwable e) {
        if (error == null) {
            error = e;
        }
        drain();
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            Operators.addCap(REQUESTED, this, n);
            drain();
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        Connection c = endMembership(); // acknowledgements and a commit first: the node forgets the deliveries when the member leaves
        if (c != null) {
            connection.write(c, Frames.empty(Frames.UNSUBSCRIBE, id));
        }
        end();
        drain();
    }

    /**
     * The client closes: writes the acknowledgements waiting and commits; completes once the node has committed (at
     * once when the subscription had already ended or the connection is down). Later acknowledgements are ignored.
     */
    Mono<Void> closing() {
        endMembership();
        return ended;
    }

    /**
     * Ends the membership on this side, once: writes the acknowledgements waiting, then a commit of what they
     * acknowledged, whose answer {@link #commit()} gives from now on. Returns the connection they went to, or null
     * when the membership had ended already or the connection is down.
     */
    private Connection endMembership() {
        Connection c;
        Mono<Void> commit;
        synchronized (acksLock) {
            c = current;
            if (ended != null) {
                return null;
            }
            writeAcks(c);
            if (c == null) {
                // the node's member left with the lost connection, committing what the node had received
                ended = Mono.empty();
                return null;
            }
            commit = connection.request(Frames.COMMIT, b -> CommitCodec.write(b, id, -1), Frames.OK, r -> null).then().cache();
            ended = commit;
        }
        commit.subscribe(null, e -> { });
        return c;
    }

    /** The node ended the subscription: its member left, committing what the node had received. */
    private void endedByNode() {
        synchronized (acksLock) {
            if (ended == null) {
                ended = Mono.empty();
            }
            ackCount = 0;
        }
    }

    private void end() {
        connection.unregister(this);
        onEnd.run();
    }

    /** Runs the loop on the connection's event loop: deliveries reach the subscriber there only. */
    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        Connection c = current;
        if (c != null && !c.channel().eventLoop().inEventLoop()) {
            try {
                c.channel().eventLoop().execute(drainLoop);
                return;
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the event loop is shutting down: drain here so that the subscriber hears how it ends
            }
        }
        drainLoop();
    }

    private void drainLoop() {
        int missed = 1;
        for (;;) {
            if (terminated) {
                return;
            }
            if (cancelled) {
                queue.clear();
                terminated = true;
                return;
            }
            long r = requested;
            long emitted = 0;
            if (resetCredits) {
                resetCredits = false;
                consumedSinceCredit = 0;
            }
            while (emitted != r) {
                RemoteDelivery d = queue.poll();
                if (d == null) {
                    break;
                }
                actual.onNext(d);
                emitted++;
                if (d.epoch == epoch && ++consumedSinceCredit >= creditBatch) {
                    Connection c = current;
                    if (c != null) {
                        sendCredit(c, consumedSinceCredit);
                    }
                    consumedSinceCredit = 0;
                }
                if (cancelled) {
                    break;
                }
            }
            if (emitted != 0 && r != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -emitted);
            }
            Throwable e = error;
            if (e != null && queue.isEmpty() && !cancelled) {
                terminated = true;
                endedByNode();
                end();
                if (!io.sluice.spi.AbstractConsumer.closedAfterDownstreamLeft(e, actual)) {
                    actual.onError(e);
                }
                return;
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    // ---- acknowledgements ----

    void ack(RemoteDelivery d) {
        Connection c;
        synchronized (acksLock) {
            c = current;
            if (d.epoch != epoch || c == null || ended != null) {
                return; // delivered on a connection since lost, or the subscription ended: the node redelivers it
            }
            if (ackCount == acks.length) {
                acks = java.util.Arrays.copyOf(acks, ackCount * 2);
            }
            acks[ackCount++] = d.id;
            if (ackFlushScheduled) {
                return;
            }
            ackFlushScheduled = true;
        }
        c.channel().eventLoop().execute(flushAcks);
    }

    /** Writes the acknowledgements waiting (ahead of whatever this thread writes next). */
    void flushAcks() {
        synchronized (acksLock) {
            writeAcks(current);
        }
    }

    private void writeAcks(Connection c) {
        ackFlushScheduled = false;
        if (ackCount == 0) {
            return;
        }
        if (c != null) {
            connection.write(c, AckCodec.encode(id, acks, ackCount));
        }
        ackCount = 0;
    }

    /**
     * Commits through delivery {@code d} (null: every partition this member owns), after the acks before it; once the
     * subscription has ended, answers with the commit made then, sending nothing.
     */
    Mono<Void> commit(RemoteDelivery d) {
        return Mono.defer(() -> {
            Mono<Void> last = ended;
            if (last != null) {
                return last;
            }
            if (d != null && d.epoch != epoch) {
                return Mono.empty(); // its partition went back to the node's group when the connection dropped
            }
            flushAcks();
            long deliveryId = d == null ? -1 : d.id;
            return connection.request(Frames.COMMIT, b -> CommitCodec.write(b, id, deliveryId), Frames.OK, r -> null);
        });
    }

    /** Commits every partition this member owns. */
    @Override
    public Mono<Void> commit() {
        return commit(null);
    }

    /** A record delivered through this subscription. */
    static final class RemoteDelivery implements Delivery {
        final ClientSubscription owner;
        final int epoch;
        final long id;
        final Record record;

        RemoteDelivery(ClientSubscription owner, int epoch, long id, Record record) {
            this.owner = owner;
            this.epoch = epoch;
            this.id = id;
            this.record = record;
        }

        @Override
        public Record record() {
            return record;
        }

        @Override
        public void ack() {
            owner.ack(this);
        }

        @Override
        public Mono<Void> commit() {
            return owner.commit(this);
        }

        @Override
        public String toString() {
            return "Delivery[" + record + "]";
        }
    }
}
