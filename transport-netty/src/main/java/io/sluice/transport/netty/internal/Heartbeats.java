package io.sluice.transport.netty.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats and dead-peer detection, the same on both sides: after {@code interval} without writing, send a
 * {@link Frames#HEARTBEAT}; after three intervals without reading anything, close the connection.
 */
public final class Heartbeats {
    private Heartbeats() {
    }

    public static final String IDLE = "sluice-idle";
    public static final String HANDLER = "sluice-heartbeat";

    public static IdleStateHandler idleHandler(Duration interval) {
        long ms = interval.toMillis();
        return new IdleStateHandler(3 * ms, ms, 0, TimeUnit.MILLISECONDS);
    }

    /** Writes heartbeats and closes a silent connection; {@code onDead} hears why. */
    public static ChannelDuplexHandler handler(Runnable onDead) {
        return new ChannelDuplexHandler() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof IdleStateEvent e) {
                    if (e.state() == IdleState.WRITER_IDLE) {
                        ctx.writeAndFlush(Frames.empty(Frames.HEARTBEAT, 0));
                    } else if (e.state() == IdleState.READER_IDLE) {
                        onDead.run();
                        ctx.close();
                    }
                    return;
                }
                super.userEventTriggered(ctx, evt);
            }
        };
    }
}
