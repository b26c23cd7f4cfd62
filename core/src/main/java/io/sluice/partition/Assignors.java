package io.sluice.partition;

import io.sluice.check.Check;
import io.sluice.partition.Assignor.Member;
import io.sluice.record.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The built-in {@link Assignor}s. All are deterministic and share these rules: every partition of a topic
 * goes to exactly one member subscribed to it; topics nobody subscribes to stay unassigned; the result
 * has an entry, possibly an empty list, for every member, each list sorted by (topic, partition). Null
 * arguments, null or duplicate members, and negative partition counts are rejected with an
 * {@link IllegalArgumentException}; entries of {@code previous} that no longer make sense (unknown
 * members, deleted partitions, partitions listed twice) are ignored.
 */
public final class Assignors {
    private Assignors() {
    }

    /**
     * Kafka's range strategy: per topic, the subscribed members sorted by id each get a contiguous range
     * of partitions, the first {@code partitions % members} one more than the others. Members that
     * subscribe to several topics get the same partition numbers of each (handy for co-partitioned joins),
     * but the extras pile up on the first members: with many topics it is the least balanced.
     */
    public static Assignor range() {
        return new Range();
    }

    /**
     * Deals all partitions of all topics, sorted by (topic, partition), one by one over the members
     * sorted by id, skipping members that do not subscribe to the partition's topic. Balanced to within
     * one partition when members subscribe to the same topics; ignores the previous assignment, so a
     * membership change may move most partitions.
     */
    public static Assignor roundRobin() {
        return new RoundRobin();
    }

    /**
     * As balanced as {@link #roundRobin()} (within one partition when members subscribe to the same
     * topics), but each partition stays with its previous owner while that owner is still a subscribed
     * member and not above its fair share; only orphaned and excess partitions move, to the least-loaded
     * members that subscribe to them (ties by id). A member joining a group of {@code n} takes about
     * {@code total / (n + 1)} partitions from the others and nothing else moves; a member leaving hands
     * over only its own. Costs more computation per rebalance than the others, and with members of
     * different subscriptions its balance is a good local optimum, not always the best possible.
     */
    public static Assignor sticky() {
        return new Sticky();
    }

    /**
     * Per topic, gives each subscribed member a share of the partitions proportional to its
     * {@link Member#weight()} (largest-remainder rounding, ties by member id), as contiguous ranges over
     * the members sorted by id. For members of unequal capacity; like {@link #range()}, it ignores the
     * previous assignment. Rejects members whose weight is not a finite number &gt; 0.
     */
    public static Assignor weighted() {
        return new Weighted();
    }

    /** Validates the arguments, sorts them, and owns the result being built. */
    private abstract static class Base implements Assignor {
        private final String name;

        Base(String name) {
            this.name = name;
        }

        @Override
        public final Map<String, List<TopicPartition>> assign(List<Member> members, Map<String, Integer> partitionsPerTopic,
                                                              Map<String, List<TopicPartition>> previous) {
            Group group = new Group(members, partitionsPerTopic);
            assign(group, Check.notNull("previous", previous));
            return group.result();
        }

        abstract void assign(Group group, Map<String, List<TopicPartition>> previous);

        @Override
        public String toString() {
            return name;
        }
    }

    /** One call's input, validated and sorted, and the assignment being built. */
    private static final class Group {
        /** The members, sorted by id. */
        final List<Member> members;
        /** Every topic that has partitions and subscribers, sorted, with its subscribers sorted by id. */
        final TreeMap<String, List<Member>> subscribers = new TreeMap<>();
        final Map<String, Integer> partitions = new HashMap<>();
        private final Map<String, List<TopicPartition>> owned = new LinkedHashMap<>();

        Group(List<Member> members, Map<String, Integer> partitionsPerTopic) {
            Check.notNull("members", members);
            Check.notNull("partitionsPerTopic", partitionsPerTopic);
            List<Member> sorted = new ArrayList<>(members.size());
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < members.size(); i++) {
                Member m = Check.notNull("members[" + i + "]", members.get(i));
                Check.notBlank("members[" + i + "].id", m.id());
                Check.notNull("members[" + i + "].topics", m.topics());
                if (!ids.add(m.id())) {
                    throw new IllegalArgumentException("members must have distinct ids, \"" + m.id() + "\" appears twice");
                }
                sorted.add(m);
            }
            sorted.sort(Comparator.comparing(Member::id));
            this.members = Collections.unmodifiableList(sorted);

            for (Map.Entry<String, Integer> e : partitionsPerTopic.entrySet()) {
                String topic = Check.notBlank("partitionsPerTopic key", e.getKey());
                int count = Check.notNegative("partitionsPerTopic[" + topic + "]",
                        Check.notNull("partitionsPerTopic[" + topic + "]", e.getValue()));
                partitions.put(topic, count);
                if (count == 0) {
                    continue;
                }
                List<Member> subscribed = new ArrayList<>();
                for (Member m : sorted) {
                    if (m.topics().contains(topic)) {
                        subscribed.add(m);
                    }
                }
                if (!subscribed.isEmpty()) {
                    subscribers.put(topic, Collections.unmodifiableList(subscribed));
                }
            }
            for (Member m : sorted) {
                owned.put(m.id(), new ArrayList<>());
            }
        }

        int partitionCount(String topic) {
            return partitions.getOrDefault(topic, 0);
        }

        /** Whether {@code tp} exists and {@code member} subscribes to its topic. */
        boolean eligible(Member member, TopicPartition tp) {
            return tp.partition() < partitionCount(tp.topic()) && member.topics().contains(tp.topic());
        }

        void give(Member member, TopicPartition tp) {
            owned.get(member.id()).add(tp);
        }

        void take(Member member, TopicPartition tp) {
            owned.get(member.id()).remove(tp);
        }

        List<TopicPartition> owned(Member member) {
            return owned.get(member.id());
        }

        int load(Member member) {
            return owned.get(member.id()).size();
        }

        Map<String, List<TopicPartition>> result() {
            Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
            for (Map.Entry<String, List<TopicPartition>> e : owned.entrySet()) {
                List<TopicPartition> list = e.getValue();
                Collections.sort(list);
                out.put(e.getKey(), List.copyOf(list));
            }
            return Collections.unmodifiableMap(out);
        }
    }

    private static final class Range extends Base {
        Range() {
            super("range");
        }

        @Override
        void assign(Group group, Map<String, List<TopicPartition>> previous) {
            group.subscribers.forEach((topic, subscribed) -> {
                int count = group.partitionCount(topic);
                int base = count / subscribed.size();
                int extra = count % subscribed.size();
                int next = 0;
                for (int i = 0; i < subscribed.size(); i++) {
                    int end = next + base + (i < extra ? 1 : 0);
                    for (int p = next; p < end; p++) {
                        group.give(subscribed.get(i), TopicPartition.of(topic, p));
                    }
                    next = end;
                }
            });
        }
    }

    private static final class RoundRobin extends Base {
        RoundRobin() {
            super("roundRobin");
        }

        @Override
        void assign(Group group, Map<String, List<TopicPartition>> previous) {
            List<Member> members = group.members;
            int cursor = 0;
            for (String topic : group.subscribers.keySet()) {
                int count = group.partitionCount(topic);
                for (int p = 0; p < count; p++) {
                    // Terminates: the topic has at least one subscriber.
                    while (!members.get(cursor).topics().contains(topic)) {
                        cursor = (cursor + 1) % members.size();
                    }
                    group.give(members.get(cursor), TopicPartition.of(topic, p));
                    cursor = (cursor + 1) % members.size();
                }
            }
        }
    }

    /**
     * Three steps: every member keeps what it owned and may still own; orphaned partitions go to the
     * least-loaded member that may take them, those few members can take first; then, while some member
     * owns a partition that a member with at least two partitions fewer could take, the most loaded such
     * member hands one over. Each hand-over strictly lowers the sum of squared loads, so this ends; when
     * all members subscribe to the same topics it ends with loads within one of each other, and a group
     * whose previous assignment is already this assignor's output keeps it unchanged.
     */
    private static final class Sticky extends Base {
        Sticky() {
            super("sticky");
        }

        @Override
        void assign(Group group, Map<String, List<TopicPartition>> previous) {
            // 1. Keep. A partition listed for two members stays with the first by id.
            Set<TopicPartition> kept = new HashSet<>();
            for (Member m : group.members) {
                List<TopicPartition> had = previous.get(m.id());
                if (had == null) {
                    continue;
                }
                for (TopicPartition tp : had) {
                    if (tp != null && group.eligible(m, tp) && kept.add(tp)) {
                        group.give(m, tp);
                    }
                }
            }

            // 2. Place the orphans, the partitions that fewest members can take first: the others have options.
            List<TopicPartition> orphans = new ArrayList<>();
            group.subscribers.forEach((topic, subscribed) -> {
                for (int p = 0; p < group.partitionCount(topic); p++) {
                    TopicPartition tp = TopicPartition.of(topic, p);
                    if (!kept.contains(tp)) {
                        orphans.add(tp);
                    }
                }
            });
            orphans.sort(Comparator
                    .comparingInt((TopicPartition tp) -> group.subscribers.get(tp.topic()).size())
                    .thenComparing(Comparator.naturalOrder()));
            for (TopicPartition tp : orphans) {
                group.give(leastLoaded(group, group.subscribers.get(tp.topic())), tp);
            }

            // 3. Even out what is still uneven (a member joined, or step 2 could not do it alone).
            while (handOverOne(group)) {
                // each call moves one partition
            }
        }

        /** The member of {@code candidates} (sorted by id) with the fewest partitions, the first on ties. */
        private static Member leastLoaded(Group group, List<Member> candidates) {
            Member least = candidates.get(0);
            for (Member m : candidates) {
                if (group.load(m) < group.load(least)) {
                    least = m;
                }
            }
            return least;
        }

        /** Moves one partition from the most loaded member that can give one away; false if none can. */
        private static boolean handOverOne(Group group) {
            List<Member> byLoad = new ArrayList<>(group.members);
            byLoad.sort(Comparator.comparingInt(group::load).reversed().thenComparing(Member::id));
            for (Member from : byLoad) {
                int load = group.load(from);
                if (load < 2) {
                    return false; // nobody can own fewer than 0
                }
                // The highest partition of each of its topics: any would do, this is deterministic.
                Map<String, TopicPartition> lastOfTopic = new TreeMap<>();
                for (TopicPartition tp : group.owned(from)) {
                    lastOfTopic.merge(tp.topic(), tp, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
                TopicPartition give = null;
                Member to = null;
                for (Map.Entry<String, TopicPartition> e : lastOfTopic.entrySet()) {
                    Member candidate = leastLoaded(group, group.subscribers.get(e.getKey()));
                    if (group.load(candidate) <= load - 2 && (to == null || group.load(candidate) < group.load(to))) {
                        give = e.getValue();
                        to = candidate;
                    }
                }
                if (to != null) {
                    group.take(from, give);
                    group.give(to, give);
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Weighted extends Base {
        Weighted() {
            super("weighted");
        }

        @Override
        void assign(Group group, Map<String, List<TopicPartition>> previous) {
            for (Member m : group.members) {
                Check.positive("weight of member " + m.id(), m.weight());
            }
            group.subscribers.forEach((topic, subscribed) -> {
                int count = group.partitionCount(topic);
                int[] quotas = quotas(count, subscribed);
                int next = 0;
                for (int i = 0; i < subscribed.size(); i++) {
                    int end = next + quotas[i];
                    for (int p = next; p < end; p++) {
                        group.give(subscribed.get(i), TopicPartition.of(topic, p));
                    }
                    next = end;
                }
            });
        }

        /** Largest-remainder quotas of {@code count} partitions for {@code members} (sorted by id). */
        private static int[] quotas(int count, List<Member> members) {
            int n = members.size();
            double total = 0;
            for (Member m : members) {
                total += m.weight();
            }
            if (Double.isInfinite(total)) {
                throw new IllegalArgumentException("member weights must have a finite sum, was " + total);
            }
            int[] quotas = new int[n];
            double[] remainders = new double[n];
            int given = 0;
            for (int i = 0; i < n; i++) {
                double weight = members.get(i).weight();
                double exact = count * weight / total;
                if (Double.isInfinite(exact)) {
                    exact = count * (weight / total); // astronomically large weights
                }
                quotas[i] = (int) Math.min(count, Math.floor(exact));
                remainders[i] = exact - quotas[i];
                given += quotas[i];
            }
            // Members are sorted by id and the sort is stable: equal remainders go to the smaller id.
            List<Integer> order = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            order.sort((a, b) -> Double.compare(remainders[b], remainders[a]));
            for (int k = 0; given < count; k = (k + 1) % n) {
                quotas[order.get(k)]++;
                given++;
            }
            // Rounding can never hand out more than `count`, but be safe: take back from the smallest remainders.
            for (int k = n - 1; given > count; k = (k + n - 1) % n) {
                if (quotas[order.get(k)] > 0) {
                    quotas[order.get(k)]--;
                    given--;
                }
            }
            return quotas;
        }
    }
}
