package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sluice.errors.ErrorCode;
import java.util.List;

/**
 * Splits the byte stream into frame bodies ({@code kind stream payload}, as retained slices). A length above the
 * maximum, or below a body header, is answered with an {@link Frames#ERROR} ({@code FRAME_TOO_LARGE} or
 * {@code INVALID_FRAME}) after the answers already queued, and the connection is closed, before anything is
 * allocated for the frame; bytes arriving after that are dropped. An oversized frame's error names its kind and goes
 * on its stream once its body header has arrived, so that the peer fails that request (a PRODUCE's batch) rather
 * than sending it again on its next connection.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameSize;
    private boolean failed;

    public FrameDecoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Writes {@code error} after every frame already queued on the channel ({@link Outbound}), then closes the
     * channel once they are written: answers to the frames before a fatal one are not lost with the connection.
     * Call it on the channel's event loop.
     */
    public static void failAndClose(Channel channel, ByteBuf error) {
        // The queue's drain task, if any, is already scheduled on this event loop (or is scheduled by this write):
        // the close task runs after it, and the empty write completes once everything before it is written.
        Outbound.of(channel).write(error);
        channel.eventLoop().execute(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Frames.LENGTH_FIELD) {
            int at = in.readerIndex();
            int length = in.getInt(at);
            if (length > maxFrameSize || length < Frames.BODY_HEADER) {
                if (!out.isEmpty()) {
                    return; // the frames before it go first (this is called again), so their answers precede the error
                }
                ByteBuf error;
                if (length < Frames.BODY_HEADER) {
                    error = ErrorCodec.encode(0, ErrorCode.INVALID_FRAME,
                            "frame length " + length + " is shorter than the " + Frames.BODY_HEADER + "-byte body header");
                } else if (in.readableBytes() < Frames.LENGTH_FIELD + Frames.BODY_HEADER) {
                    return; // its kind and stream have yet to come
                } else {
                    byte kind = in.getByte(at + Frames.LENGTH_FIELD);
                    int stream = in.getInt(at + Frames.LENGTH_FIELD + 1);
                    error = ErrorCodec.encode(stream, ErrorCode.FRAME_TOO_LARGE, Frames.kindName(kind) + " frame of "
                            + Integer.toUnsignedString(length) + " bytes exceeds the maximum of " + maxFrameSize);
                }
                failed = true;
                in.skipBytes(in.readableBytes());
                failAndClose(ctx.channel(), error);
                return;
            }
            if (in.readableBytes() < Frames.LENGTH_FIELD + length) {
                return;
            }
            in.skipBytes(Frames.LENGTH_FIELD);
            out.add(in.readRetainedSlice(length));
        }
    }
}
