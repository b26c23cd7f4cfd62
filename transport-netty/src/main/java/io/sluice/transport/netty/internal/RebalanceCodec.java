package io.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.sluice.consumer.RebalanceEvent;
import io.sluice.record.TopicPartition;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@link Frames#REBALANCE}, on a subscription's stream: {@code group:string generation:int32 member:string}
 * then the assigned, added and revoked partitions, each {@code count:int32} and {@code (topic:string partition:int32)}s.
 */
final class RebalanceCodec {
    private RebalanceCodec() {
    }

    static ByteBuf encode(int subscription, RebalanceEvent e) {
        ByteBuf b = Frames.begin(Frames.REBALANCE, subscription, 128);
        FrameWriter.writeString(b, e.group());
        b.writeInt(e.generation());
        FrameWriter.writeString(b, e.memberId());
        FrameWriter.writeTopicPartitions(b, e.assigned());
        FrameWriter.writeTopicPartitions(b, e.added());
        FrameWriter.writeTopicPartitions(b, e.revoked());
        return Frames.end(b);
    }

    static RebalanceEvent read(FrameReader r) {
        String group = r.readRequiredString("group");
        int generation = r.readInt("generation");
        String member = r.readRequiredString("member");
        Set<TopicPartition> assigned = new LinkedHashSet<>(r.readTopicPartitions());
        Set<TopicPartition> added = new LinkedHashSet<>(r.readTopicPartitions());
        Set<TopicPartition> revoked = new LinkedHashSet<>(r.readTopicPartitions());
        r.end();
        return new RebalanceEvent(group, generation, member, Set.copyOf(assigned), Set.copyOf(added), Set.copyOf(revoked));
    }
}
