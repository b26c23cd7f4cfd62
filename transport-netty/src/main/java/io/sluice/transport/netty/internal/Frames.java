package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.errors.ErrorCode;
import io.sluice.errors.ProtocolException;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The wire protocol: every frame is {@code length:int32} then {@code length} bytes of body,
 * {@code kind:int8 stream:int32 payload}. The receiver checks {@code length} against its maximum frame size before
 * it allocates anything ({@code FRAME_TOO_LARGE}). {@code stream} is the request id that the answer repeats, the
 * subscription id of consumer frames, or 0 for the connection. Integers are big-endian; a string is
 * {@code int16 length} (-1: null) and UTF-8 bytes; {@code bytes} is {@code int32 length} (-1: null) and the bytes.
 *
 * <p>A connection opens with {@link #HELLO} (version, token, client id), answered by {@link #HELLO_OK} or an
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
 * An {@link #ERROR} carries a stable code ({@link ErrorCode}, see {@link ErrorCodec}) and a message. A frame the node cannot parse gets
 * {@code INVALID_FRAME} and closes that connection only.
 */
public final class Frames {
    private Frames() {
    }

    /** Protocol version this code speaks. */
    public static final short VERSION = 1;
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

    /**
     * {@link #DELIVER} record flags. A DELIVER payload is {@code firstDeliveryId:int64 count:int32} then per record
     * {@code flags:int8 [topic:string partition:int32] [offset:int64] timestamp:int64 key:bytes value:bytes headers};
     * the topic and partition are left out when they are the previous record's ({@code SAME_PARTITION}), the offset
     * when it is the previous record's plus one ({@code NEXT_OFFSET}). Deliveries are numbered from
     * {@code firstDeliveryId}, one per record, in order.
     */
    public static final byte SAME_PARTITION = 1;
    public static final byte NEXT_OFFSET = 2;

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

    // ---- writing ----

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
        ByteBuf buf = HEAP.heapBuffer(LENGTH_FIELD + BODY_HEADER + Math.max(0, payloadHint));
        buf.writeInt(0).writeByte(kind).writeInt(stream);
        return buf;
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

    public static void writeString(ByteBuf buf, String s) {
        if (s == null) {
            buf.writeShort(-1);
            return;
        }
        int at = buf.writerIndex();
        buf.writeShort(0);
        int n = ByteBufUtil.writeUtf8(buf, s);
        if (n > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string longer than " + Short.MAX_VALUE + " UTF-8 bytes: " + s.substring(0, 40) + "...");
        }
        buf.setShort(at, n);
    }

    public static void writeBytes(ByteBuf buf, byte[] b) {
        if (b == null) {
            buf.writeInt(-1);
        } else {
            buf.writeInt(b.length).writeBytes(b);
        }
    }

    public static void writeBytes(ByteBuf buf, byte[] b, int offset, int length) {
        if (length < 0) {
            buf.writeInt(-1);
        } else {
            buf.writeInt(length).writeBytes(b, offset, length);
        }
    }

    /** Headers as the core allows them: any key (as UTF-8 bytes, no length limit but the frame's), a nullable value. */
    public static void writeHeaders(ByteBuf buf, Headers headers) {
        buf.writeInt(headers.size());
        for (Header h : headers) {
            writeBytes(buf, h.key().getBytes(StandardCharsets.UTF_8));
            writeBytes(buf, h.value());
        }
    }

    public static void writeStrings(ByteBuf buf, Collection<String> strings) {
        buf.writeInt(strings.size());
        for (String s : strings) {
            writeString(buf, s);
        }
    }

    public static void writeTopicSpec(ByteBuf buf, TopicSpec spec) {
        writeString(buf, spec.name());
        buf.writeInt(spec.partitions());
        buf.writeLong(spec.retentionRecords());
        buf.writeLong(spec.retentionBytes());
        buf.writeLong(spec.retentionAge() == null ? -1 : spec.retentionAge().toNanos());
        buf.writeByte(spec.overflow().ordinal());
        buf.writeLong(spec.maxBacklog());
    }

    public static void writeTopicDescription(ByteBuf buf, TopicDescription d) {
        writeTopicSpec(buf, d.spec());
        buf.writeInt(d.partitions().size());
        for (TopicDescription.PartitionInfo p : d.partitions()) {
            buf.writeInt(p.partition()).writeLong(p.startOffset()).writeLong(p.endOffset());
        }
    }

    public static void writeTopicPartition(ByteBuf buf, TopicPartition tp) {
        writeString(buf, tp.topic());
        buf.writeInt(tp.partition());
    }

    public static void writeTopicPartitions(ByteBuf buf, Collection<TopicPartition> tps) {
        buf.writeInt(tps.size());
        for (TopicPartition tp : tps) {
            writeTopicPartition(buf, tp);
        }
    }

    public static void writeGroupDescription(ByteBuf buf, GroupDescription g) {
        writeString(buf, g.group());
        buf.writeInt(g.generation());
        buf.writeInt(g.members().size());
        for (GroupDescription.Member m : g.members()) {
            writeString(buf, m.id());
            buf.writeDouble(m.weight());
            writeTopicPartitions(buf, m.assignment());
        }
        buf.writeInt(g.partitions().size());
        for (GroupDescription.PartitionLag p : g.partitions()) {
            writeTopicPartition(buf, p.partition());
            buf.writeLong(p.committedOffset()).writeLong(p.endOffset()).writeLong(p.lag());
        }
    }

    public static void writeRebalance(ByteBuf buf, RebalanceEvent e) {
        writeString(buf, e.group());
        buf.writeInt(e.generation());
        writeString(buf, e.memberId());
        writeTopicPartitions(buf, e.assigned());
        writeTopicPartitions(buf, e.added());
        writeTopicPartitions(buf, e.revoked());
    }

    // ---- reading ----

    /**
     * Reads one frame body (after the length): every read checks that the bytes are there, and a malformed
     * payload raises {@link ProtocolException} {@code INVALID_FRAME} naming the frame kind and what was wrong.
     */
    public static final class Reader {
        private final ByteBuf buf;
        public final byte kind;
        public final int stream;

        public Reader(ByteBuf body) {
            this.buf = body;
            if (body.readableBytes() < BODY_HEADER) {
                throw invalid("a frame body of " + body.readableBytes() + " bytes is shorter than its " + BODY_HEADER + "-byte header");
            }
            this.kind = body.readByte();
            this.stream = body.readInt();
        }

        public ProtocolException invalid(String what) {
            return new ProtocolException(ErrorCode.INVALID_FRAME, "invalid " + kindName(kind) + " frame: " + what);
        }

        private void need(int bytes, String field) {
            if (buf.readableBytes() < bytes) {
                throw invalid(field + " needs " + bytes + " bytes, " + buf.readableBytes() + " left");
            }
        }

        public byte readByte(String field) {
            need(1, field);
            return buf.readByte();
        }

        public short readShort(String field) {
            need(2, field);
            return buf.readShort();
        }

        public int readInt(String field) {
            need(4, field);
            return buf.readInt();
        }

        public long readLong(String field) {
            need(8, field);
            return buf.readLong();
        }

        public double readDouble(String field) {
            need(8, field);
            return buf.readDouble();
        }

        /** A non-negative count of items of at least {@code minItemBytes} each: checked against what is left. */
        public int readCount(String field, int minItemBytes) {
            int n = readInt(field);
            if (n < 0 || (long) n * Math.max(1, minItemBytes) > buf.readableBytes()) {
                throw invalid(field + " count " + n + " does not fit the " + buf.readableBytes() + " bytes left");
            }
            return n;
        }

        public String readString(String field) {
            short n = readShort(field);
            if (n == -1) {
                return null;
            }
            if (n < 0) {
                throw invalid(field + " has length " + n);
            }
            need(n, field);
            String s = buf.toString(buf.readerIndex(), n, StandardCharsets.UTF_8);
            buf.skipBytes(n);
            return s;
        }

        public String readRequiredString(String field) {
            String s = readString(field);
            if (s == null || s.isEmpty()) {
                throw invalid(field + " is missing");
            }
            return s;
        }

        public byte[] readBytes(String field) {
            int n = readInt(field);
            if (n == -1) {
                return null;
            }
            if (n < 0) {
                throw invalid(field + " has length " + n);
            }
            need(n, field);
            byte[] b = new byte[n];
            buf.readBytes(b);
            return b;
        }

        public Headers readHeaders(String field) {
            int n = readCount(field + " count", 8);
            if (n == 0) {
                return Headers.empty();
            }
            List<Header> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] key = readBytes(field + " key");
                if (key == null) {
                    throw invalid(field + " key is missing");
                }
                list.add(new Header(new String(key, StandardCharsets.UTF_8), readBytes(field + " value")));
            }
            return Headers.of(list);
        }

        public List<String> readStrings(String field) {
            int n = readCount(field, 2);
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(readRequiredString(field));
            }
            return out;
        }

        /** A topic spec; an invalid value raises {@code INVALID_FRAME} with the spec's own message. */
        public TopicSpec readTopicSpec() {
            String name = readRequiredString("topic name");
            int partitions = readInt("partitions");
            long retentionRecords = readLong("retentionRecords");
            long retentionBytes = readLong("retentionBytes");
            long ageNanos = readLong("retentionAge");
            byte overflow = readByte("overflow");
            long maxBacklog = readLong("maxBacklog");
            if (overflow < 0 || overflow >= OverflowPolicy.values().length) {
                throw invalid("overflow policy " + overflow + " is unknown");
            }
            try {
                TopicSpec spec = TopicSpec.of(name).partitions(partitions).retentionRecords(retentionRecords)
                        .retentionBytes(retentionBytes).overflow(OverflowPolicy.values()[overflow]).maxBacklog(maxBacklog);
                return ageNanos < 0 ? spec : spec.retentionAge(Duration.ofNanos(ageNanos));
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }

        public TopicDescription readTopicDescription() {
            TopicSpec spec = readTopicSpec();
            int n = readCount("partitions", 20);
            List<TopicDescription.PartitionInfo> ps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ps.add(new TopicDescription.PartitionInfo(readInt("partition"), readLong("startOffset"), readLong("endOffset")));
            }
            return new TopicDescription(spec, List.copyOf(ps));
        }

        public TopicPartition readTopicPartition() {
            String topic = readRequiredString("topic");
            int p = readInt("partition");
            if (p < 0) {
                throw invalid("partition " + p);
            }
            return new TopicPartition(topic, p);
        }

        public List<TopicPartition> readTopicPartitions() {
            int n = readCount("partitions", 7);
            List<TopicPartition> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(readTopicPartition());
            }
            return out;
        }

        public GroupDescription readGroupDescription() {
            String group = readRequiredString("group");
            int generation = readInt("generation");
            int members = readCount("members", 14);
            List<GroupDescription.Member> ms = new ArrayList<>(members);
            for (int i = 0; i < members; i++) {
                ms.add(new GroupDescription.Member(readRequiredString("member id"), readDouble("weight"), List.copyOf(readTopicPartitions())));
            }
            int lags = readCount("partitions", 31);
            List<GroupDescription.PartitionLag> ls = new ArrayList<>(lags);
            for (int i = 0; i < lags; i++) {
                ls.add(new GroupDescription.PartitionLag(readTopicPartition(), readLong("committed"), readLong("end"), readLong("lag")));
            }
            return new GroupDescription(group, generation, List.copyOf(ms), List.copyOf(ls));
        }

        public RebalanceEvent readRebalance() {
            String group = readRequiredString("group");
            int generation = readInt("generation");
            String member = readRequiredString("member");
            Set<TopicPartition> assigned = new LinkedHashSet<>(readTopicPartitions());
            Set<TopicPartition> added = new LinkedHashSet<>(readTopicPartitions());
            Set<TopicPartition> revoked = new LinkedHashSet<>(readTopicPartitions());
            return new RebalanceEvent(group, generation, member, Set.copyOf(assigned), Set.copyOf(added), Set.copyOf(revoked));
        }

        public int readableBytes() {
            return buf.readableBytes();
        }

        public ByteBuf buffer() {
            return buf;
        }

        /** Fails when bytes are left over: a frame must be exactly its payload. */
        public void end() {
            if (buf.isReadable()) {
                throw invalid(buf.readableBytes() + " bytes left over after the payload");
            }
        }
    }
}
