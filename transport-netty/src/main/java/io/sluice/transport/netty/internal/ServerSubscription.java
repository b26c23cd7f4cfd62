package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.Delivery;
import io.sluice.errors.ClosedException;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.record.Record;
import io.sluice.spi.SenderHandOff;
import java.util.Arrays;
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
 * wait. Deliveries are numbered per subscription; the client acknowledges them by number. Deliveries wait (as
 * references to their records) until the connection's outbound queue drains next ({@link Outbound#finishOnDrain});
 * there, on the event loop, those that arrived together become one {@link Frames#DELIVER} frame ({@link DeliverCodec})
 * in a buffer of the channel's pooled allocator, in the same write as the frames queued before it (the answer to the
 * PRODUCE whose append woke it). Built on the delivery thread in heap buffers (Netty's pooled allocator may park a
 * thread that is not its own), the frames were half of what the node allocated at 100,000 records/s (JFR), and were
 * then copied to a direct buffer to leave.
 */
final class ServerSubscription extends BaseSubscriber<Delivery> {
    /** A DELIVER frame ends once it holds this much; the records after it go in the next frame of the same write. */
    private static final int FLUSH_BYTES = 256 * 1024;
    /** What a record adds to a DELIVER frame besides its key, value and headers (flags, offset, timestamp, lengths). */
    private static final int RECORD_OVERHEAD = 32;

    private final ServerSession session;
    private final int id;
    private final Consumer consumer;
    private final Map<Long, Delivery> unacknowledged = new ConcurrentHashMap<>();
    private final Supplier<ByteBuf> takeFrames = this::takeFrames;
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

    // ---- records given and not yet written: guarded by this ----
    private Record[] waiting = new Record[64];
    private int waitingCount;
    /** The delivery id of {@code waiting[0]}. */
    private long firstWaitingId;
    private boolean drainScheduled;

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
            // the member's loop runs here, on the event loop, and its frames leave in this turn: no wake-up of a
            // delivery thread that would wake this loop again (~800 a second each way at 100,000 records/s)
            SenderHandOff.runAppends(() -> request(n));
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
        synchronized (this) {
            if (waitingCount == 0) {
                firstWaitingId = deliveryId;
            } else if (waitingCount == waiting.length) {
                waiting = Arrays.copyOf(waiting, waitingCount * 2);
            }
            waiting[waitingCount++] = d.record();
            if (!drainScheduled) {
                drainScheduled = true;
                session.finishOnDrain(takeFrames);
            }
        }
    }

    /**
     * The records given since the last write, as DELIVER frames for the connection's next write (null when there are
     * none); called on the event loop.
     */
    private ByteBuf takeFrames() {
        try {
            return takeWaiting();
        } catch (RuntimeException e) {
            // a record the log took but a frame cannot carry: the member leaves, and its records go to the group again
            leave();
            session.subscriptionEnded(id, e);
            return null;
        }
    }

    /** Writes the records given and not yet written; called when the subscription ends, on whatever thread ends it. */
    private void flush() {
        ByteBuf frames = takeWaiting();
        if (frames != null) {
            session.write(frames);
        }
    }

    /**
     * The waiting records as DELIVER frames (null when none wait), and no drain scheduled for them any more: in the
     * channel's pooled buffers on its event loop, in heap buffers on any other thread (the pooled allocator may park
     * a thread that is not its own on an arena lock).
     */
    private ByteBuf takeWaiting() {
        Channel channel = session.channel();
        ByteBufAllocator alloc = channel.eventLoop().inEventLoop() ? channel.alloc() : Frames.HEAP;
        synchronized (this) {
            drainScheduled = false;
            return encodeWaiting(alloc);
        }
    }

    /**
     * Encodes the waiting records into one buffer of DELIVER frames, each ended once it holds {@link #FLUSH_BYTES}, and
     * forgets them. Guarded by this.
     */
    private ByteBuf encodeWaiting(ByteBufAllocator alloc) {
        int count = waitingCount;
        if (count == 0) {
            return null;
        }
        Record[] records = waiting;
        waitingCount = 0;
        long estimate = 0;
        for (int i = 0; i < count; i++) {
            estimate += RECORD_OVERHEAD + records[i].sizeInBytes();
        }
        ByteBuf b = alloc.buffer((int) Math.min(FLUSH_BYTES, estimate) + RECORD_OVERHEAD);
        try {
            int i = 0;
            while (i < count) {
                int frameStart = b.writerIndex();
                DeliverCodec.begin(b, id, firstWaitingId + i);
                Record previous = null;
                int first = i;
                do {
                    DeliverCodec.encodeRecord(b, records[i], previous);
                    previous = records[i];
                    records[i++] = null;
                } while (i < count && b.writerIndex() - frameStart < FLUSH_BYTES);
                DeliverCodec.end(b, frameStart, i - first);
            }
        } catch (RuntimeException | Error e) {
            Arrays.fill(records, 0, count, null);
            b.release();
            throw e;
        }
        return b;
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
            Arrays.fill(waiting, 0, waitingCount, null);
            waitingCount = 0;
        }
    }
}
