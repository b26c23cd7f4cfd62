package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.StartPosition;
import io.sluice.partition.Assignor;
import io.sluice.partition.Assignors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link Frames#SUBSCRIBE} payload: the consumer options the node's group needs (group, topics, assignor,
 * weight, start position, prefetch, auto-commit). Retries, dead letters, concurrency and ordering stay in the
 * client, where the handler runs. Only the built-in assignors travel, by name.
 */
final class SubscribeCodec {
    private SubscribeCodec() {
    }

    private static final Map<String, Supplier<Assignor>> ASSIGNORS = Map.of(
            Assignors.range().toString(), Assignors::range,
            Assignors.roundRobin().toString(), Assignors::roundRobin,
            Assignors.sticky().toString(), Assignors::sticky,
            Assignors.weighted().toString(), Assignors::weighted);

    /** The longest commit interval whose nanoseconds fit a long. */
    static final long MAX_COMMIT_MILLIS = Long.MAX_VALUE / 1_000_000;

    /** Fails, naming the assignor, when it is not one of {@link Assignors}. */
    static String assignorName(Assignor assignor) {
        String name = assignor.toString();
        if (!ASSIGNORS.containsKey(name)) {
            throw new IllegalArgumentException("a remote consumer's assignor must be one of Assignors' built-ins "
                    + ASSIGNORS.keySet() + ", was " + name);
        }
        return name;
    }

    static ByteBuf encode(int subscription, ConsumerOptions options) {
        ByteBuf b = Frames.begin(Frames.SUBSCRIBE, subscription, 128);
        write(b, options);
        return Frames.end(b);
    }

    private static void write(ByteBuf buf, ConsumerOptions o) {
        FrameWriter.writeString(buf, o.group());
        FrameWriter.writeString(buf, o.clientId());
        FrameWriter.writeStrings(buf, o.topics());
        FrameWriter.writeString(buf, assignorName(o.assignor()));
        buf.writeDouble(o.weight());
        buf.writeByte(o.startPosition().kind().ordinal());
        buf.writeLong(o.startPosition().value());
        buf.writeInt(o.prefetch());
        buf.writeLong(o.commitInterval().toMillis());
        buf.writeInt(o.commitBatchSize());
    }

    static ConsumerOptions read(FrameReader r) {
        String group = r.readRequiredString("group");
        String clientId = r.readRequiredString("client id");
        List<String> topics = r.readStrings("topics");
        String assignor = r.readRequiredString("assignor");
        double weight = r.readDouble("weight");
        byte kind = r.readByte("start position");
        long value = r.readLong("start value");
        int prefetch = r.readInt("prefetch");
        long commitMillis = r.readLong("commit interval");
        int commitBatch = r.readInt("commit batch size");
        r.end();
        Supplier<Assignor> a = ASSIGNORS.get(assignor);
        if (a == null) {
            throw r.invalid("assignor '" + assignor + "' is unknown; the node has " + ASSIGNORS.keySet());
        }
        if (kind < 0 || kind >= StartPosition.Kind.values().length) {
            throw r.invalid("start position kind " + kind + " is unknown");
        }
        if (topics.isEmpty()) {
            throw r.invalid("topics are missing");
        }
        if (commitMillis > MAX_COMMIT_MILLIS) {
            // the engine schedules it in nanoseconds: a longer interval would overflow there (INTERNAL, not a clear error)
            throw r.invalid("commit interval " + commitMillis + " ms exceeds the longest a node schedules, " + MAX_COMMIT_MILLIS + " ms");
        }
        try {
            StartPosition start = switch (StartPosition.Kind.values()[kind]) {
                case EARLIEST -> StartPosition.earliest();
                case LATEST -> StartPosition.latest();
                case OFFSET -> StartPosition.offset(value);
                case TIMESTAMP -> StartPosition.timestamp(Instant.ofEpochMilli(value));
            };
            return ConsumerOptions.create(group).clientId(clientId).topics(topics).assignor(a.get()).weight(weight)
                    .startPosition(start).prefetch(prefetch).commitInterval(Duration.ofMillis(commitMillis))
                    .commitBatchSize(commitBatch);
        } catch (IllegalArgumentException e) {
            throw r.invalid(e.getMessage());
        }
    }
}
