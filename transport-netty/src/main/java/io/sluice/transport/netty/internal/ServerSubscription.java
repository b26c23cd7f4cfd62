package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.Delivery;
import io.sluice.errors.ClosedException;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.record.Record;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * A remote group member on the node: an engine consumer whose deliveries go to the client within its credits.
 * The engine's member is requested exactly the credits the client granted (request-n), so the node never sends a
 * record the client did not ask for; while the connection's outbound buffer is full (not writable) the credits
 * wait. Deliveries are numbered per subscription; the client acknowledges them by number. Deliveries that arrive
 * together are written as one {@link Frames#DELIVER} frame ({@link DeliverCodec}), finished when the connection's
 * outbound queue drains next ({@link Outbound#finishOnDrain}), so that it leaves in the same write as the frames queued
 * before it (the answer to the PRODUCE whose append woke it).
 */
final class ServerSubscription extends BaseSubscriber<Delivery> {
    /** A DELIVER frame is written at once when it grows beyond this. */
    private static final int FLUSH_BYTES = 256 * 1024;
    /** The smallest size a DELIVER frame starts with. */
    private static final int MIN_FRAME_HINT = 256;

    private final ServerSession session;
    private final int id;
    private final Consumer consumer;
    private final Map<Long, Delivery> unacknowledged = new ConcurrentHashMap<>();
    private final Supplier<ByteBuf> takeFrame = this::takeFrame;
    private Disposable rebalances;
    /** Only the delivery thread of the moment numbers deliveries (onNext is serialized). */
    private long nextId;
    /** Credits held back while the channel is not writable; event loop only. */
    private long deferred;
    /** Credits granted in all; event loop only. */
    private long granted;
    /** Records given to the client; written by the delivery thread. */
    private volatile long sent;
    private final int prefetch;

    // ---- the DELIVER frame being filled: guarded by this ----
    private ByteBuf pending;
    private int pendingCount;
    private boolean flushScheduled;
    /** The previous record in the frame being filled, whose partition and offset the next may leave out. */
    private Record previous;
    /**
     * The size the next frame starts with: a quarter more than the last one (records arrive in similar bunches at a
     * steady rate), so that a frame is neither copied as it grows nor mostly empty garbage (a fixed 4 KiB was a third
     * of what the node allocated at 100,000 records/s).
     */
    private int frameSizeHint = MIN_FRAME_HINT;

    ServerSubscription(ServerSession session, int id, Consumer consumer) {
        this.session = session;
        this.id = id;
        this.consumer = consumer;
        this.prefetch = consumer.options().prefetch();
    }

    void start() {
        rebalances = consumer.rebalances().subscribe(e -> session.write(RebalanceCodec.encode(id, e)));
        consumer.receive().subscribe(this);
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        // nothing until the client grants credits
    }

    /**
     * The client granted {@code n} more records; called on the event loop. A client may have at most its prefetch
     * outstanding (granted and not yet sent); more is a protocol error, or a client that never reads could make the
     * node buffer without bound.
     */
    void credit(long n) {
        long outstanding = granted + n - sent;
        if (n > prefetch || outstanding > prefetch) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "invalid CREDIT frame: " + n + " more would let the"
                    + " node send " + outstanding + " records ahead, beyond the subscription's prefetch of " + prefetch);
        }
        granted += n;
        if (session.isWritable()) {
            request(n);
        } else {
            deferred += n;
        }
    }

    /** The channel is writable again; called on the event loop. */
    void resume() {
        long n = deferred;
        if (n > 0 && session.isWritable()) {
            deferred = 0;
            request(n);
        }
    }

    @Override
    protected void hookOnNext(Delivery d) {
        long deliveryId = nextId++;
        sent = deliveryId + 1;
        unacknowledged.put(deliveryId, d);
        Record r = d.record();
        synchronized (this) {
            if (pending == null) {
                pending = DeliverCodec.begin(id, deliveryId, frameSizeHint);
                pendingCount = 0;
                previous = null;
            }
            ByteBuf b = pending;
            int recordStart = b.writerIndex();
            try {
                DeliverCodec.encodeRecord(b, r, previous);
            } catch (RuntimeException | Error e) {
                b.writerIndex(recordStart); // the frame stays whole without this record; the member fails it
                throw e;
            }
            previous = r;
            pendingCount++;
            if (b.readableBytes() >= FLUSH_BYTES) {
                flushLocked();
            } else if (!flushScheduled) {
                flushScheduled = true;
                session.finishOnDrain(takeFrame);
            }
        }
    }

    /** The DELIVER frame filled so far, finished, for the connection's next write (null when flushed meanwhile). */
    private ByteBuf takeFrame() {
        synchronized (this) {
            flushScheduled = false;
            return detachFrame();
        }
    }

    private void flush() {
        synchronized (this) {
            flushScheduled = false;
            flushLocked();
        }
    }

    private void flushLocked() {
        ByteBuf frame = detachFrame();
        if (frame != null) {
            session.write(frame);
        }
    }

    /**
     * Takes the frame filled so far (null when there is none), ends it, and sizes the next one after it. Guarded by
     * this.
     */
    private ByteBuf detachFrame() {
        ByteBuf b = pending;
        if (b == null) {
            return null;
        }
        pending = null;
        previous = null;
        int bytes = b.readableBytes();
        frameSizeHint = Math.min(FLUSH_BYTES, Math.max(MIN_FRAME_HINT, bytes + (bytes >> 2)));
        return DeliverCodec.end(b, pendingCount);
    }

    void ack(long deliveryId) {
        Delivery d = unacknowledged.remove(deliveryId);
        if (d != null) {
            d.ack();
        }
    }

    /** Commits through delivery {@code deliveryId} (its partition), or every owned partition when it is negative. */
    Mono<Void> commit(long deliveryId) {
        Delivery d = deliveryId < 0 ? null : unacknowledged.remove(deliveryId);
        return d != null ? d.commit() : consumer.commit();
    }

    @Override
    protected void hookOnError(Throwable error) {
        flush();
        end();
        session.subscriptionEnded(id, error);
    }

    @Override
    protected void hookOnComplete() {
        flush();
        end();
        session.subscriptionEnded(id, new ClosedException("the node ended the subscription"));
    }

    /** The client unsubscribed or the connection closed: the member leaves its group. */
    void leave() {
        cancel();
        end();
    }

    private void end() {
        if (rebalances != null) {
            rebalances.dispose();
        }
        unacknowledged.clear();
        synchronized (this) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }
    }
}
