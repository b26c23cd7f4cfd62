package io.sluice.internal;

import io.micrometer.core.instrument.Counter;
import io.sluice.admin.GroupDescription;
import io.sluice.consumer.StartPosition;
import io.sluice.metrics.SluiceMeters;
import io.sluice.partition.Assignor;
import io.sluice.partition.Assignors;
import io.sluice.record.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A consumer group: its members (in join order; the first one's assignor decides), its generation, the
 * assignment, and its committed positions. Every join and leave is a rebalance, run under this object's
 * lock: partitions leave their old owner first (its acknowledged position is committed and later
 * acknowledgements are ignored), then their new owner starts from the committed position, so records
 * that were delivered but not acknowledged are delivered again.
 */
final class GroupState {
    private static final Logger log = Loggers.getLogger(GroupState.class);

    final String id;
    private final Engine engine;
    private final Counter rebalances;
    private final List<Member> members = new ArrayList<>();
    private Map<String, List<TopicPartition>> assignment = Map.of();
    private int generation;
    /** Committed positions: the next offset the group reads after a restart or a handoff. */
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final Map<TopicPartition, GroupCursor> cursors = new ConcurrentHashMap<>();

    GroupState(String id, Engine engine, Map<TopicPartition, Long> recovered) {
        this.id = id;
        this.engine = engine;
        this.committed.putAll(recovered);
        this.rebalances = engine.metrics.counter(SluiceMeters.REBALANCES, SluiceMeters.TAG_GROUP, id);
    }

    synchronized void join(Member member) {
        for (String topic : member.options.topics()) {
            engine.requireTopic(topic);
        }
        members.add(member);
        rebalance();
    }

    synchronized void leave(Member member) {
        if (members.remove(member)) {
            member.reassign(Set.of(), generation + 1, true);
            rebalance();
        }
    }

    /** A topic of this group was created or deleted. */
    synchronized void topicsChanged(String topic) {
        boolean concerned = members.stream().anyMatch(m -> m.options.topics().contains(topic));
        if (concerned) {
            rebalance();
        }
        committed.keySet().removeIf(tp -> tp.topic().equals(topic) && engine.topicOrNull(topic) == null);
        cursors.keySet().removeIf(tp -> tp.topic().equals(topic) && engine.topicOrNull(topic) == null);
    }

    private void rebalance() {
        generation++;
        rebalances.increment();
        Map<String, Integer> partitionsPerTopic = new TreeMap<>();
        List<Assignor.Member> view = new ArrayList<>();
        for (Member m : members) {
            view.add(new Assignor.Member(m.id, m.options.weight(), m.options.topics()));
            for (String t : m.options.topics()) {
                TopicState ts = engine.topicOrNull(t);
                if (ts != null) {
                    partitionsPerTopic.put(t, ts.partitionCount());
                }
            }
        }
        view.sort(Comparator.comparing(Assignor.Member::id));
        Map<String, List<TopicPartition>> next = Map.of();
        if (!members.isEmpty()) {
            Assignor assignor = members.get(0).options.assignor();
            next = assignor.assign(List.copyOf(view), Map.copyOf(partitionsPerTopic), assignment);
            String problem = problem(next, view, partitionsPerTopic);
            if (problem != null) {
                log.warn("Assignor {} of group {} {}; using range instead", assignor, id, problem);
                next = Assignors.range().assign(List.copyOf(view), Map.copyOf(partitionsPerTopic), assignment);
            }
        }
        assignment = next;
        // Revoke first, so that every partition's committed position is final before its new owner reads it.
        Map<Member, Set<TopicPartition>> owned = new LinkedHashMap<>();
        for (Member m : members) {
            Set<TopicPartition> mine = new HashSet<>(next.getOrDefault(m.id, List.of()));
            owned.put(m, mine);
            m.reassign(mine, generation, true);
        }
        for (Map.Entry<Member, Set<TopicPartition>> e : owned.entrySet()) {
            e.getKey().reassign(e.getValue(), generation, false);
        }
    }

    /** Why an assignment is invalid, or null when every partition goes to exactly one subscribed member. */
    private static String problem(Map<String, List<TopicPartition>> a, List<Assignor.Member> members, Map<String, Integer> partitionsPerTopic) {
        if (a == null) {
            return "returned null";
        }
        Map<String, Assignor.Member> byId = new HashMap<>();
        members.forEach(m -> byId.put(m.id(), m));
        Set<TopicPartition> seen = new HashSet<>();
        for (Map.Entry<String, List<TopicPartition>> e : a.entrySet()) {
            Assignor.Member m = byId.get(e.getKey());
            if (m == null) {
                return "assigned partitions to unknown member " + e.getKey();
            }
            for (TopicPartition tp : e.getValue()) {
                Integer n = partitionsPerTopic.get(tp.topic());
                if (n == null || tp.partition() >= n || !m.topics().contains(tp.topic())) {
                    return "assigned " + tp + " to member " + m.id() + " that does not subscribe to it or it does not exist";
                }
                if (!seen.add(tp)) {
                    return "assigned " + tp + " twice";
                }
            }
        }
        int total = partitionsPerTopic.values().stream().mapToInt(Integer::intValue).sum();
        return seen.size() == total ? null : "left " + (total - seen.size()) + " partitions unassigned";
    }

    /**
     * Where a new owner of {@code p} starts: the committed position, else the member's start position. A timestamp
     * that the memory log cannot place (its records lie below the memory log's start, in the store only after a
     * restart) starts at the partition's start and sets {@code seek}: the fetch skips older records as it reads them.
     */
    long startOffset(PartitionState p, StartPosition position, boolean[] seek) {
        Long c = committed.get(p.tp);
        long start;
        if (c != null) {
            start = c;
        } else {
            start = switch (position.kind()) {
                case EARLIEST -> p.startOffset();
                case LATEST -> p.log.endOffset();
                case OFFSET -> Math.min(Math.max(position.value(), p.startOffset()), p.log.endOffset());
                case TIMESTAMP -> p.log.offsetForTimestamp(position.value());
            };
            if (position.kind() == StartPosition.Kind.TIMESTAMP && start == p.log.startOffset() && p.startOffset() < start) {
                seek[0] = true;
                return p.startOffset(); // not committed: the next owner places the timestamp again
            }
            committed.put(p.tp, start); // a later owner starts here too, not at a later "latest"
        }
        return start;
    }

    GroupCursor cursor(PartitionState p, long start) {
        return cursors.computeIfAbsent(p.tp, tp -> {
            GroupCursor c = p.cursor(id, start);
            engine.metrics.gauge(SluiceMeters.CONSUMER_LAG, p, ps -> ps.log.endOffset() - committed.getOrDefault(tp, ps.startOffset()),
                    SluiceMeters.TAG_TOPIC, tp.topic(), SluiceMeters.TAG_PARTITION, Integer.toString(tp.partition()), SluiceMeters.TAG_GROUP, id);
            return c;
        });
    }

    /** Commits positions (they only move forward) and persists them. */
    Mono<Void> commit(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> moved = new HashMap<>();
        positions.forEach((tp, pos) -> {
            Long prev = committed.get(tp);
            if (prev == null || pos > prev) {
                committed.merge(tp, pos, Math::max);
                moved.put(tp, pos);
            }
        });
        return moved.isEmpty() ? Mono.empty() : engine.offsetStore.commit(id, moved);
    }

    synchronized GroupDescription describe() {
        List<GroupDescription.Member> ms = new ArrayList<>();
        for (Member m : members) {
            List<TopicPartition> a = new ArrayList<>(assignment.getOrDefault(m.id, List.of()));
            a.sort(null);
            ms.add(new GroupDescription.Member(m.id, m.options.weight(), a));
        }
        List<GroupDescription.PartitionLag> lags = new ArrayList<>();
        for (TopicPartition tp : new TreeMap<>(committed).keySet()) {
            TopicState t = engine.topicOrNull(tp.topic());
            if (t == null || tp.partition() >= t.partitionCount()) {
                continue;
            }
            long end = t.partition(tp.partition()).log.endOffset();
            long c = committed.get(tp);
            lags.add(new GroupDescription.PartitionLag(tp, c, end, Math.max(0, end - c)));
        }
        return new GroupDescription(id, generation, ms, lags);
    }
}
