package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.util.concurrent.Queues;

/**
 * The frames a connection writes, from any thread, in the order they are given: a queue drained on the channel's
 * event loop with one flush per drain. (Netty's own {@code writeAndFlush} writes at once on the event loop but
 * queues a task from other threads, so two threads' frames could pass each other: a partition's batches must not.)
 */
public final class Outbound implements Runnable {
    private static final AttributeKey<Outbound> KEY = AttributeKey.valueOf("sluice-outbound");

    private final Channel channel;
    private final Queue<ByteBuf> queue = Queues.<ByteBuf>unboundedMultiproducer().get();
    private final Queue<Supplier<ByteBuf>> lastFrames = Queues.<Supplier<ByteBuf>>unboundedMultiproducer().get();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private Outbound(Channel channel) {
        this.channel = channel;
    }

    /** The channel's outbound queue, made on first use. */
    public static Outbound of(Channel channel) {
        Outbound o = channel.attr(KEY).get();
        if (o == null) {
            Outbound created = new Outbound(channel);
            o = channel.attr(KEY).setIfAbsent(created);
            if (o == null) {
                o = created;
            }
        }
        return o;
    }

    /** Queues a frame (released if the channel is closed); it is written after every frame queued before it. */
    public void write(ByteBuf frame) {
        if (!channel.isActive()) {
            frame.release();
            return;
        }
        queue.offer(frame);
        if (scheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this);
        }
    }

    /**
     * Asks {@code frame} for a frame when this queue drains next, after the frames queued before: a writer that fills a
     * frame over several calls (a DELIVER frame) finishes it then, so that it leaves in the same flush as the rest.
     */
    public void finishOnDrain(Supplier<ByteBuf> frame) {
        lastFrames.offer(frame);
        if (scheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        ByteBuf b;
        boolean wrote = false;
        while ((b = queue.poll()) != null) {
            channel.write(b, channel.voidPromise()); // a closed channel releases it
            wrote = true;
        }
        Supplier<ByteBuf> f;
        while ((f = lastFrames.poll()) != null) {
            ByteBuf frame = f.get();
            if (frame != null) {
                channel.write(frame, channel.voidPromise());
                wrote = true;
            }
        }
        if (wrote) {
            channel.flush();
        }
    }
}
