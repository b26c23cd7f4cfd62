package io.sluice.transport.netty.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test's raw TCP connection to a node: writes whatever bytes it is given and splits what comes back into
 * frames. Non-blocking with a selector, so a write never waits on a node that is writing to us; for the test's own
 * thread only (it waits, up to the deadlines it is given).
 */
public final class RawClient implements AutoCloseable {
    /** A frame the node sent. */
    public record Frame(byte kind, int stream, byte[] body) {
        /** The code of an {@link Frames#ERROR} frame. */
        public String errorCode() {
            FrameReader r = TestFrames.reader(body);
            return r.readString("code");
        }

        public String errorMessage() {
            FrameReader r = TestFrames.reader(body);
            r.readString("code");
            return r.readString("message");
        }

        @Override
        public String toString() {
            return Frames.kindName(kind) + "@" + stream + (kind == Frames.ERROR ? "[" + errorCode() + ": " + errorMessage() + "]" : "");
        }
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final List<Frame> frames = new ArrayList<>();
    private boolean closed;
    private boolean reset;

    private RawClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, SelectionKey.OP_READ);
    }

    public static RawClient connect(int port) {
        try {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            ch.socket().setTcpNoDelay(true);
            return new RawClient(ch);
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect to 127.0.0.1:" + port + ": " + e, e);
        }
    }

    /** Frames received so far. */
    public List<Frame> frames() {
        return frames;
    }

    /** True once the node closed the connection (an end of stream or a reset). */
    public boolean isClosed() {
        return closed;
    }

    /** True when the node's close was a reset (it closed while our bytes were still coming). */
    public boolean wasReset() {
        return reset;
    }

    /**
     * Writes all of {@code bytes}, reading meanwhile; returns false when the node closed the connection before
     * they were all written.
     */
    public boolean write(byte[] bytes, Duration timeout) {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.hasRemaining() && !closed) {
            try {
                if (channel.write(out) == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("the node took no bytes for " + timeout);
                    }
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    selector.select(Math.max(1, left / 1_000_000));
                    key.interestOps(SelectionKey.OP_READ);
                    selector.selectedKeys().clear();
                    read();
                }
            } catch (IOException e) {
                closed = true;
                reset = true;
            }
        }
        return !out.hasRemaining();
    }

    /** Reads what has arrived, without waiting. */
    public void poll() {
        read();
    }

    /** Waits until a frame matches, returning it, or fails when the connection closes first or time is up. */
    public Frame await(Predicate<Frame> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        for (;;) {
            for (; seen < frames.size(); seen++) {
                if (matches.test(frames.get(seen))) {
                    return frames.get(seen);
                }
            }
            if (closed) {
                throw new AssertionError("the node closed the connection; frames received: " + frames);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching frame within " + timeout + "; frames received: " + frames);
            }
            waitForData(left);
        }
    }

    /** Waits up to {@code timeout} for the node to close the connection; true when it did. */
    public boolean awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            waitForData(left);
        }
        return true;
    }

    private void waitForData(long nanos) {
        try {
            selector.select(Math.max(1, nanos / 1_000_000));
            selector.selectedKeys().clear();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        read();
    }

    private void read() {
        if (closed) {
            return;
        }
        try {
            for (;;) {
                if (!in.hasRemaining()) {
                    in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                }
                int n = channel.read(in);
                if (n < 0) {
                    closed = true;
                    break;
                }
                if (n == 0) {
                    break;
                }
                split();
            }
        } catch (IOException e) {
            closed = true;
            reset = true;
        }
        split();
    }

    private void split() {
        in.flip();
        while (in.remaining() >= Frames.LENGTH_FIELD) {
            int length = in.getInt(in.position());
            if (length < Frames.BODY_HEADER || length > 64 * 1024 * 1024) {
                throw new AssertionError("the node sent a frame of length " + length + " after " + frames);
            }
            if (in.remaining() < Frames.LENGTH_FIELD + length) {
                if (in.capacity() < Frames.LENGTH_FIELD + length) {
                    ByteBuffer bigger = ByteBuffer.allocate(Frames.LENGTH_FIELD + length);
                    bigger.put(in);
                    in = bigger;
                    return; // already compacted into the bigger buffer
                }
                break;
            }
            in.getInt();
            byte kind = in.get();
            int stream = in.getInt();
            byte[] body = new byte[length];
            in.get(in.position() - Frames.BODY_HEADER, body, 0, length);
            in.position(in.position() - Frames.BODY_HEADER + length);
            frames.add(new Frame(kind, stream, body));
        }
        in.compact();
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "RawClient" + Arrays.asList(channel.socket().getLocalPort(), frames.size() + " frames", closed ? "closed" : "open");
    }
}
