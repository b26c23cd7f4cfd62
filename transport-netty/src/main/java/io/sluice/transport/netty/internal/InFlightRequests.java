package io.sluice.transport.netty.internal;

import io.sluice.errors.DisconnectedException;
import io.sluice.transport.netty.ClientOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * The client's requests that the node has not answered yet, by stream id: it numbers them, hands each answer to
 * its request, picks what a new connection sends again (in id order, so a partition's batches keep their order),
 * fails what a lost connection takes with it, and fails produce requests older than the delivery timeout (a sweep,
 * every quarter of the timeout, at most once a second). Every request leaves exactly once: answered or failed.
 */
final class InFlightRequests {
    private final ClientOptions options;
    private final String address;
    private final BooleanSupplier connected;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Request> pending = new ConcurrentHashMap<>();
    private final Disposable deliveryTimer;

    /** {@code connected} says whether a connection is ready, for the timeout's message. */
    InFlightRequests(ClientOptions options, String address, BooleanSupplier connected) {
        this.options = options;
        this.address = address;
        this.connected = connected;
        long sweepMillis = Math.min(1_000, Math.max(10, options.deliveryTimeout().toMillis() / 4));
        this.deliveryTimer = Schedulers.parallel().schedulePeriodically(this::expireDeliveries, sweepMillis, sweepMillis,
                TimeUnit.MILLISECONDS);
    }

    /** A new stream id: positive, wrapping around after {@code Integer.MAX_VALUE}. */
    int nextId() {
        for (;;) {
            int id = ids.incrementAndGet();
            if (id > 0) {
                return id;
            }
            ids.compareAndSet(id, 0);
        }
    }

    void add(Request r) {
        pending.put(r.id, r);
    }

    /** Forgets {@code r} (cancelled or timed out): an answer arriving later is dropped. */
    void forget(Request r) {
        pending.remove(r.id, r);
    }

    boolean contains(int id) {
        return pending.containsKey(id);
    }

    /**
     * Gives the frame on the request's stream to it: an {@link Frames#ERROR} fails it, anything else answers it
     * (and fails it when it is not the expected answer, rethrowing: the connection is broken). A stream with no
     * request (timed out or cancelled meanwhile) is ignored.
     */
    void answer(FrameReader r) {
        Request req = pending.remove(r.stream);
        if (req == null) {
            return;
        }
        if (r.kind == Frames.ERROR) {
            req.fail(ErrorCodec.read(r));
            return;
        }
        try {
            req.answer(r);
        } catch (RuntimeException e) {
            req.fail(e);
            throw e;
        }
    }

    /** What a newly ready connection sends again, in id order; each is marked sent on {@code c}. */
    List<Request> resend(Connection c) {
        List<Request> again = new ArrayList<>();
        for (Request r : pending.values()) {
            if (r.resendable()) {
                again.add(r);
            }
        }
        again.sort(Comparator.comparingInt(r -> r.id)); // a partition's batches in their order
        for (Request r : again) {
            r.sentOn = c;
        }
        return again;
    }

    /** Connection {@code c} is lost: fails what cannot be sent again ({@link Request#diesWith}). */
    void connectionLost(Connection c, DisconnectedException e) {
        for (Request r : pending.values()) {
            if (r.diesWith(c) && pending.remove(r.id, r)) {
                r.fail(e);
            }
        }
    }

    void failAll(Throwable e) {
        for (Request r : pending.values()) {
            if (pending.remove(r.id, r)) {
                r.fail(e);
            }
        }
    }

    /** Stops the delivery timeout's sweep. */
    void close() {
        deliveryTimer.dispose();
    }

    private void expireDeliveries() {
        long now = System.nanoTime();
        long timeout = options.deliveryTimeout().toNanos();
        for (Request r : pending.values()) {
            if (r instanceof ProduceRequest p && now - p.createdAt > timeout && pending.remove(r.id, r)) {
                r.fail(new DisconnectedException("node " + address + " did not acknowledge the batch of " + p.topic + "-" + p.partition
                        + " within the delivery timeout of " + options.deliveryTimeout() + (connected.getAsBoolean() ? "" : " (not connected)"), null));
            }
        }
    }
}
