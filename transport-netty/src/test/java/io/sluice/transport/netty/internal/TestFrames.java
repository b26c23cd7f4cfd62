package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.log.BatchBuilder;
import io.sluice.producer.Acks;
import io.sluice.record.Headers;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Whole client frames (length prefix included) as byte arrays, built by the frame kinds' codecs, for tests that
 * talk to a node over a raw socket. Heap buffers, released here: nothing to release for the caller.
 */
public final class TestFrames {

    private TestFrames() {
    }

    public static byte[] frame(byte kind, int stream, Consumer<ByteBuf> payload) {
        ByteBuf b = Frames.begin(kind, stream, 64);
        try {
            payload.accept(b);
        } catch (RuntimeException e) {
            b.release();
            throw e;
        }
        return bytes(Frames.end(b));
    }

    /** The bytes of a frame a codec made, which is released. */
    private static byte[] bytes(ByteBuf frame) {
        try {
            byte[] out = new byte[frame.readableBytes()];
            frame.readBytes(out);
            return out;
        } finally {
            frame.release();
        }
    }

    public static byte[] empty(byte kind, int stream) {
        return frame(kind, stream, b -> { });
    }

    public static byte[] hello(int stream, short version, String token) {
        return bytes(HelloCodec.encodeHello(stream, version, token, "raw-test-client"));
    }

    public static byte[] hello(int stream, String token) {
        return hello(stream, Frames.VERSION, token);
    }

    /** A batch of {@code count} records as the client's codec makes it. */
    public static byte[] batch(int count, long producerId, int baseSequence, long timestamp) {
        BatchBuilder builder = new BatchBuilder(64 * count);
        for (int i = 0; i < count; i++) {
            builder.append(timestamp + i, ("k" + i).getBytes(StandardCharsets.UTF_8), ("value-" + i).getBytes(StandardCharsets.UTF_8),
                    i % 2 == 0 ? Headers.empty() : Headers.of("h", "v" + i));
        }
        return builder.build(producerId, baseSequence).array();
    }

    public static byte[] produce(int stream, String topic, int partition, Acks acks, byte[] batch) {
        return bytes(ProduceCodec.encode(stream, topic, partition, acks, batch));
    }

    public static byte[] subscribe(int stream, ConsumerOptions options) {
        return bytes(SubscribeCodec.encode(stream, options));
    }

    public static byte[] credit(int stream, long n) {
        return bytes(CreditCodec.encode(stream, n));
    }

    public static byte[] ack(int stream, long... ids) {
        return bytes(AckCodec.encode(stream, ids, ids.length));
    }

    public static byte[] commit(int stream, int subscription, long deliveryId) {
        return frame(Frames.COMMIT, stream, b -> CommitCodec.write(b, subscription, deliveryId));
    }

    public static byte[] createTopic(int stream, TopicSpec spec) {
        return frame(Frames.CREATE_TOPIC, stream, b -> AdminCodec.writeTopicSpec(b, spec));
    }

    public static byte[] named(byte kind, int stream, String name) {
        return frame(kind, stream, b -> AdminCodec.writeName(b, name));
    }

    /** Reads a frame body received by a raw client. */
    public static FrameReader reader(byte[] body) {
        return new FrameReader(Unpooled.wrappedBuffer(body));
    }

    /** The node's maximum frame size that a HELLO_OK body carries. */
    public static int helloOkMaxFrameSize(byte[] body) {
        return HelloCodec.readHelloOk(reader(body));
    }
}
