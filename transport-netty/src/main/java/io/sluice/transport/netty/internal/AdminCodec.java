package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin frames' payloads. Requests: {@link Frames#CREATE_TOPIC} a topic spec; {@link Frames#DELETE_TOPIC},
 * {@link Frames#DESCRIBE_TOPIC}, {@link Frames#DESCRIBE_GROUP} a name; {@link Frames#LIST_TOPICS},
 * {@link Frames#LIST_GROUPS}, {@link Frames#METADATA} nothing. Answers: {@link Frames#OK} nothing, {@link Frames#TOPIC}
 * a topic description, {@link Frames#NAMES} a string list, {@link Frames#GROUP} a group description,
 * {@link Frames#TOPICS} every topic's spec (also sent unasked on stream 0 after a topic is created or deleted).
 *
 * <p>A topic spec is {@code name:string partitions:int32 retentionRecords:int64 retentionBytes:int64
 * retentionAgeNanos:int64 (-1: none) overflow:int8 maxBacklog:int64}.
 */
final class AdminCodec {
    private AdminCodec() {
    }

    static void writeName(ByteBuf payload, String name) {
        FrameWriter.writeString(payload, name);
    }

    static String readName(FrameReader r, String field) {
        String name = r.readRequiredString(field);
        r.end();
        return name;
    }

    static void writeTopicSpec(ByteBuf buf, TopicSpec spec) {
        FrameWriter.writeString(buf, spec.name());
        buf.writeInt(spec.partitions());
        buf.writeLong(spec.retentionRecords());
        buf.writeLong(spec.retentionBytes());
        buf.writeLong(spec.retentionAge() == null ? -1 : spec.retentionAge().toNanos());
        buf.writeByte(spec.overflow().ordinal());
        buf.writeLong(spec.maxBacklog());
    }

    /** A topic spec; an invalid value raises {@code INVALID_FRAME} with the spec's own message. */
    static TopicSpec readTopicSpec(FrameReader r) {
        String name = r.readRequiredString("topic name");
        int partitions = r.readInt("partitions");
        long retentionRecords = r.readLong("retentionRecords");
        long retentionBytes = r.readLong("retentionBytes");
        long ageNanos = r.readLong("retentionAge");
        byte overflow = r.readByte("overflow");
        long maxBacklog = r.readLong("maxBacklog");
        if (overflow < 0 || overflow >= OverflowPolicy.values().length) {
            throw r.invalid("overflow policy " + overflow + " is unknown");
        }
        try {
            TopicSpec spec = TopicSpec.of(name).partitions(partitions).retentionRecords(retentionRecords)
                    .retentionBytes(retentionBytes).overflow(OverflowPolicy.values()[overflow]).maxBacklog(maxBacklog);
            return ageNanos < 0 ? spec : spec.retentionAge(Duration.ofNanos(ageNanos));
        } catch (IllegalArgumentException e) {
            throw r.invalid(e.getMessage());
        }
    }

    /** A TOPIC answer: the spec, then {@code count:int32} and {@code (partition:int32 start:int64 end:int64)}s. */
    static ByteBuf encodeTopic(int stream, TopicDescription d) {
        ByteBuf b = Frames.begin(Frames.TOPIC, stream, 64 + 20 * d.partitions().size());
        writeTopicSpec(b, d.spec());
        b.writeInt(d.partitions().size());
        for (TopicDescription.PartitionInfo p : d.partitions()) {
            b.writeInt(p.partition()).writeLong(p.startOffset()).writeLong(p.endOffset());
        }
        return Frames.end(b);
    }

    static TopicDescription readTopic(FrameReader r) {
        TopicSpec spec = readTopicSpec(r);
        int n = r.readCount("partitions", 20);
        List<TopicDescription.PartitionInfo> ps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ps.add(new TopicDescription.PartitionInfo(r.readInt("partition"), r.readLong("startOffset"), r.readLong("endOffset")));
        }
        return new TopicDescription(spec, List.copyOf(ps));
    }

    static ByteBuf encodeNames(int stream, List<String> names) {
        ByteBuf b = Frames.begin(Frames.NAMES, stream, 16 * names.size());
        FrameWriter.writeStrings(b, names);
        return Frames.end(b);
    }

    static List<String> readNames(FrameReader r) {
        return r.readStrings("names");
    }

    /**
     * A GROUP answer: {@code group:string generation:int32}, the members ({@code count:int32}, each
     * {@code id:string weight:float64} and its partitions), then each partition's lag ({@code count:int32}, each
     * {@code topic:string partition:int32 committed:int64 end:int64 lag:int64}).
     */
    static ByteBuf encodeGroup(int stream, GroupDescription g) {
        ByteBuf b = Frames.begin(Frames.GROUP, stream, 256);
        FrameWriter.writeString(b, g.group());
        b.writeInt(g.generation());
        b.writeInt(g.members().size());
        for (GroupDescription.Member m : g.members()) {
            FrameWriter.writeString(b, m.id());
            b.writeDouble(m.weight());
            FrameWriter.writeTopicPartitions(b, m.assignment());
        }
        b.writeInt(g.partitions().size());
        for (GroupDescription.PartitionLag p : g.partitions()) {
            FrameWriter.writeTopicPartition(b, p.partition());
            b.writeLong(p.committedOffset()).writeLong(p.endOffset()).writeLong(p.lag());
        }
        return Frames.end(b);
    }

    static GroupDescription readGroup(FrameReader r) {
        String group = r.readRequiredString("group");
        int generation = r.readInt("generation");
        int members = r.readCount("members", 14);
        List<GroupDescription.Member> ms = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            ms.add(new GroupDescription.Member(r.readRequiredString("member id"), r.readDouble("weight"), List.copyOf(r.readTopicPartitions())));
        }
        int lags = r.readCount("partitions", 31);
        List<GroupDescription.PartitionLag> ls = new ArrayList<>(lags);
        for (int i = 0; i < lags; i++) {
            ls.add(new GroupDescription.PartitionLag(r.readTopicPartition(), r.readLong("committed"), r.readLong("end"), r.readLong("lag")));
        }
        return new GroupDescription(group, generation, List.copyOf(ms), List.copyOf(ls));
    }

    /** A TOPICS frame: {@code count:int32} and the specs. */
    static ByteBuf encodeTopics(int stream, List<TopicSpec> specs) {
        ByteBuf b = Frames.begin(Frames.TOPICS, stream, 64 * specs.size());
        b.writeInt(specs.size());
        specs.forEach(s -> writeTopicSpec(b, s));
        return Frames.end(b);
    }

    /** The topics of a TOPICS frame, by name. */
    static Map<String, TopicSpec> readTopics(FrameReader r) {
        int n = r.readCount("topics", 10);
        Map<String, TopicSpec> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            TopicSpec s = readTopicSpec(r);
            m.put(s.name(), s);
        }
        r.end();
        return Map.copyOf(m);
    }
}
