package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The wire protocol: every frame is {@code length:int32} then {@code length} bytes of body,
 * {@code kind:int8 stream:int32 payload}. The receiver checks {@code length} against its maximum frame size before
 * it allocates anything ({@code FRAME_TOO_LARGE}). {@code stream} is the request id that the answer repeats, the
 * subscription id of consumer frames, or 0 for the connection. Integers are big-endian; a string is
 * {@code int16 length} (-1: null) and UTF-8 bytes; {@code bytes} is {@code int32 length} (-1: null) and the bytes
 * ({@link FrameWriter} writes these types, {@link FrameReader} reads them with bounds checks).
 *
 * <p>A connection opens with {@link #HELLO} (version, token, client id), answered by {@link #HELLO_OK} (with the
 * node's maximum frame size, so that the client never sends a batch the node would refuse) or an
 * {@link #ERROR} ({@code UNSUPPORTED_VERSION}, {@code UNAUTHORIZED}) after which the node closes it. Then:
 * <ul>
 * <li>admin requests ({@link #CREATE_TOPIC} ... {@link #METADATA}) answered by {@link #OK}, {@link #TOPIC},
 *     {@link #NAMES}, {@link #GROUP}, {@link #TOPICS} or {@link #ERROR};</li>
 * <li>{@link #PRODUCE} (topic, partition, acks, the batch exactly as the client's codec made it: the node only
 *     assigns its base offset) answered by {@link #PRODUCED} (base offset) or {@link #ERROR};</li>
 * <li>{@link #SUBSCRIBE} opens a group membership on stream {@code s}; the node sends {@link #DELIVER} frames
 *     on {@code s} within the {@link #CREDIT}s the client has granted (request-n, in records), and
 *     {@link #REBALANCE} events; the client sends {@link #ACK}s and {@link #UNSUBSCRIBE}; {@link #COMMIT} is a
 *     request naming the subscription;</li>
 * <li>{@link #HEARTBEAT} both ways on an idle connection; a peer silent for three intervals is dead.</li>
 * </ul>
 * An {@link #ERROR} carries a stable code ({@link io.sluice.errors.ErrorCode}) and a message. A frame the node cannot
 * parse gets {@code INVALID_FRAME}, one longer than its maximum {@code FRAME_TOO_LARGE}, on the frame's stream when
 * its header could be read (so a PRODUCE's error fails that request), and closes that connection only.
 *
 * <p>This class holds the frame header and the kinds; each kind's payload is written and read by its codec, the two
 * side by side: {@link HelloCodec}, {@link AdminCodec}, {@link ProduceCodec}, {@link SubscribeCodec},
 * {@link CreditCodec}, {@link DeliverCodec}, {@link AckCodec}, {@link CommitCodec}, {@link RebalanceCodec},
 * {@link ErrorCodec}. Kinds without a payload ({@code HEARTBEAT}, {@code OK}, {@code UNSUBSCRIBE}, {@code METADATA},
 * {@code LIST_TOPICS}, {@code LIST_GROUPS}) are {@link #empty} frames.
 */
public final class Frames {
    private Frames() {
    }

    /** Protocol version this code speaks (2: {@link #HELLO_OK} carries the node's maximum frame size). */
    public static final short VERSION = 2;
    /** Bytes before a frame's body: the length. */
    public static final int LENGTH_FIELD = 4;
    /** Bytes of a body's header: kind and stream. */
    public static final int BODY_HEADER = 5;

    public static final byte HELLO = 1;
    public static final byte HELLO_OK = 2;
    public static final byte ERROR = 3;
    public static final byte HEARTBEAT = 4;

    public static final byte CREATE_TOPIC = 10;
    public static final byte DELETE_TOPIC = 11;
    public static final byte DESCRIBE_TOPIC = 12;
    public static final byte LIST_TOPICS = 13;
    public static final byte LIST_GROUPS = 14;
    public static final byte DESCRIBE_GROUP = 15;
    public static final byte METADATA = 16;

    public static final byte OK = 20;
    public static final byte TOPIC = 21;
    public static final byte NAMES = 22;
    public static final byte GROUP = 23;
    public static final byte TOPICS = 24;

    public static final byte PRODUCE = 30;
    public static final byte PRODUCED = 31;

    public static final byte SUBSCRIBE = 40;
    public static final byte CREDIT = 41;
    public static final byte DELIVER = 42;
    public static final byte ACK = 43;
    public static final byte COMMIT = 44;
    public static final byte REBALANCE = 45;
    public static final byte UNSUBSCRIBE = 46;

    /** A readable name of a frame kind, for errors and logs. */
    public static String kindName(byte kind) {
        return switch (kind) {
            case HELLO -> "HELLO";
            case HELLO_OK -> "HELLO_OK";
            case ERROR -> "ERROR";
            case HEARTBEAT -> "HEARTBEAT";
            case CREATE_TOPIC -> "CREATE_TOPIC";
            case DELETE_TOPIC -> "DELETE_TOPIC";
            case DESCRIBE_TOPIC -> "DESCRIBE_TOPIC";
            case LIST_TOPICS -> "LIST_TOPICS";
            case LIST_GROUPS -> "LIST_GROUPS";
            case DESCRIBE_GROUP -> "DESCRIBE_GROUP";
            case METADATA -> "METADATA";
            case OK -> "OK";
            case TOPIC -> "TOPIC";
            case NAMES -> "NAMES";
            case GROUP -> "GROUP";
            case TOPICS -> "TOPICS";
            case PRODUCE -> "PRODUCE";
            case PRODUCED -> "PRODUCED";
            case SUBSCRIBE -> "SUBSCRIBE";
            case CREDIT -> "CREDIT";
            case DELIVER -> "DELIVER";
            case ACK -> "ACK";
            case COMMIT -> "COMMIT";
            case REBALANCE -> "REBALANCE";
            case UNSUBSCRIBE -> "UNSUBSCRIBE";
            default -> "kind " + kind;
        };
    }

    /**
     * Where frames are built: plain heap arrays. Frames are built on whatever thread has the answer (an engine's
     * delivery or store thread, a producer's), and Netty's pooled allocator may park such a thread on an arena lock,
     * which non-blocking threads must not (BlockHound caught it); the event loop copies heap frames to the socket.
     */
    public static final ByteBufAllocator HEAP = new io.netty.buffer.UnpooledByteBufAllocator(false);

    /**
     * Starts a frame in a new buffer: the length (patched by {@link #end}), the kind and the stream.
     * {@code payloadHint} sizes the buffer.
     */
    public static ByteBuf begin(byte kind, int stream, int payloadHint) {
        return begin(HEAP.heapBuffer(LENGTH_FIELD + BODY_HEADER + Math.max(0, payloadHint)), kind, stream);
    }

    /**
     * Starts a frame at the writer index of {@code buf}, which may hold frames before it: one write can carry several.
     * {@link #end(ByteBuf, int)} with that index ends it.
     */
    public static ByteBuf begin(ByteBuf buf, byte kind, int stream) {
        return buf.writeInt(0).writeByte(kind).writeInt(stream);
    }

    /** Writes the length of the frame that starts at {@code start} (the frame's first byte) and returns the buffer. */
    public static ByteBuf end(ByteBuf buf, int start) {
        buf.setInt(start, buf.writerIndex() - start - LENGTH_FIELD);
        return buf;
    }

    public static ByteBuf end(ByteBuf buf) {
        return end(buf, 0);
    }

    /** A frame with no payload. */
    public static ByteBuf empty(byte kind, int stream) {
        return end(begin(kind, stream, 0));
    }
}
