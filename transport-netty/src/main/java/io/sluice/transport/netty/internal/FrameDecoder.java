package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frame bodies ({@code kind stream payload}, as retained slices). A length above the
 * maximum, or below a body header, is answered with an {@link Frames#ERROR} ({@code FRAME_TOO_LARGE} or
 * {@code INVALID_FRAME}) and the connection is closed, before anything is allocated for the frame; bytes arriving
 * after that are dropped.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameSize;
    private boolean failed;

    public FrameDecoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Frames.LENGTH_FIELD) {
            int length = in.getInt(in.readerIndex());
            if (length > maxFrameSize || length < Frames.BODY_HEADER) {
                failed = true;
                in.skipBytes(in.readableBytes());
                String code = length > maxFrameSize ? ErrorCodes.FRAME_TOO_LARGE : ErrorCodes.INVALID_FRAME;
                String message = length > maxFrameSize
                        ? "frame of " + Integer.toUnsignedString(length) + " bytes exceeds the maximum of " + maxFrameSize
                        : "frame length " + length + " is shorter than the " + Frames.BODY_HEADER + "-byte body header";
                ctx.writeAndFlush(Frames.error(0, code, message)).addListener(ChannelFutureListener.CLOSE);
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
