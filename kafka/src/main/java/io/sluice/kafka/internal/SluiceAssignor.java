package io.sluice.kafka.internal;

import io.sluice.partition.Assignor;
import io.sluice.partition.Assignors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

/**
 * Sluice's {@link Assignor}s as a Kafka client-side assignor (the classic group protocol): every Sluice member offers
 * the protocol {@value #NAME}, so Kafka's group leader, whichever member that is (the first to join, until it
 * leaves), runs its own {@code ConsumerOptions.assignor} over every member's topics and weight
 * ({@code ConsumerOptions.weight}, sent in the subscription's user data). Eager: every rebalance revokes all partitions
 * and assigns them anew, as the engine's groups do.
 */
public final class SluiceAssignor implements ConsumerPartitionAssignor, Configurable {
    /** The protocol name every Sluice member offers. */
    public static final String NAME = "sluice";
    /** The consumer config entries that carry the member's {@link Assignor} and weight into {@link #configure}. */
    static final String ASSIGNOR_CONFIG = "sluice.assignor";
    static final String WEIGHT_CONFIG = "sluice.weight";

    private Assignor assignor = Assignors.range();
    private double weight = 1.0;

    @Override
    public void configure(Map<String, ?> configs) {
        Object a = configs.get(ASSIGNOR_CONFIG);
        if (a instanceof Assignor given) {
            assignor = given;
        }
        Object w = configs.get(WEIGHT_CONFIG);
        if (w instanceof Double given) {
            weight = given;
        }
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        ByteBuffer b = ByteBuffer.allocate(Double.BYTES);
        b.putDouble(0, weight);
        return b;
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> subscriptions = groupSubscription.groupSubscription();
        List<Assignor.Member> members = new ArrayList<>();
        Map<String, Integer> partitionsPerTopic = new HashMap<>();
        Map<String, List<io.sluice.record.TopicPartition>> previous = new HashMap<>();
        subscriptions.forEach((id, s) -> {
            ByteBuffer data = s.userData();
            double w = data != null && data.remaining() >= Double.BYTES ? data.getDouble(data.position()) : 1.0;
            members.add(new Assignor.Member(id, w, new HashSet<>(s.topics())));
            for (String t : s.topics()) {
                Integer n = metadata.partitionCountForTopic(t);
                if (n != null) {
                    partitionsPerTopic.put(t, n);
                }
            }
            List<io.sluice.record.TopicPartition> owned = new ArrayList<>();
            for (TopicPartition tp : s.ownedPartitions()) {
                owned.add(new io.sluice.record.TopicPartition(tp.topic(), tp.partition()));
            }
            previous.put(id, owned);
        });
        members.sort(Comparator.comparing(Assignor.Member::id));
        Map<String, List<io.sluice.record.TopicPartition>> assigned = assignor.assign(members, partitionsPerTopic, previous);
        Map<String, Assignment> result = new HashMap<>();
        for (String id : subscriptions.keySet()) {
            List<TopicPartition> tps = new ArrayList<>();
            for (io.sluice.record.TopicPartition tp : assigned.getOrDefault(id, List.of())) {
                tps.add(new TopicPartition(tp.topic(), tp.partition()));
            }
            result.put(id, new Assignment(tps));
        }
        return new GroupAssignment(result);
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
    }

    @Override
    public String name() {
        return NAME;
    }
}
