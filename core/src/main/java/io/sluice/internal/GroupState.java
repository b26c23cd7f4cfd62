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
import reactor.core.publisher.Sinks;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A consumer group: its members (in join order; the first one's assignor decides), its generation, the
 * assignment, and its committed positions. Every join and leave is a rebalance, run under this object's
 * lock: partitions leave their old owner first (its acknowledged position is committed and later
 * acknowledgements are ignored), then their new owner starts from the committed position, so records
 * that were delivered but not acknowledged are delivered again.
 *
 * <p>Commits go to the offset store one write at a time, in order (commits that arrive during a write join the
 * next one), so the store never sees a position older than one it already has; a commit completes once a write
 * holding its positions is stored, and a failed write's positions go again with the next commit. A partition
 * handed over in a rebalance is read by its new owner only once the commit of its old owner's position is stored
 * (or failed): a revoke's commit is never lost behind the new owner's.
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

    // ---- commits on their way to the offset store: guarded by commitLock, never held while calling out ----
    private final Object commitLock = new Object();
    /** Positions committed here and not yet written (or whose write failed). */
    private Map<TopicPartition, Long> unwritten = new HashMap<>();
    private boolean writing;
    /** The positions of the write in flight. */
    private Map<TopicPartition, Long> writingNow = Map.of();
    /** Completes when the write in flight is stored. */
    private Sinks.One<Void> inFlight;
    /** Completes when the write that takes {@link #unwritten} is stored; null while nothing waits. */
    private Sinks.One<Void> next;

    GroupState(String id, Engine engine, Map<TopicPartition, Long> recovered) {
        this.id = id;
        this.engine = engine;
        this.committed.putAll(recovered);
        this.rebalances = engine.metrics.counter(SluiceMeters.REBALANCES, SluiceMeters.TAG_GROUP, id);
    }

    void join(Member member) {
        synchronized (this) {
            for (String topic : member.options.topics()) {
                engine.requireTopic(topic);
            }
            members.add(member);
            rebalance(Map.of());
        }
        writeNext();
    }

    /**
     * {@code member} leaves: its partitions go to the others once what it acknowledged is committed. The member
     * learns its final positions ({@link Member#left}) before this returns.
     */
    void leave(Member member) {
        synchronized (this) {
            if (!members.remove(member)) {
                return;
            }
            Map<TopicPartition, Long> positions = member.reassign(Set.of(), generation + 1, true);
            member.left(positions);
            rebalance(positions);
        }
        writeNext();
    }

    /**
     * The engine closes: every member leaves at once, without a rebalance. Returns the commit of what they
     * acknowledged, with every write still in flight: the engine waits for it before it closes the store.
     */
    Mono<Void> close() {
        Mono<Void> stored;
        synchronized (this) {
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (Member m : members) {
                Map<TopicPartition, Long> p = m.reassign(Set.of(), generation + 1, true);
                m.left(p);
                positions.putAll(p);
            }
            members.clear();
            assignment = Map.of();
            stored = enqueue(positions);
        }
        writeNext();
        return stored;
    }

    /** A topic of this group was created or deleted. */
    void topicsChanged(String topic) {
        synchronized (this) {
            boolean concerned = members.stream().anyMatch(m -> m.options.topics().contains(topic));
            if (concerned) {
                rebalance(Map.of());
            }
            synchronized (commitLock) {
                committed.keySet().removeIf(tp -> tp.topic().equals(topic) && engine.topicOrNull(topic) == null);
                unwritten.keySet().removeIf(tp -> tp.topic().equals(topic) && engine.topicOrNull(topic) == null);
            }
            cursors.keySet().removeIf(tp -> tp.topic().equals(topic) && engine.topicOrNull(topic) == null);
        }
        writeNext();
    }

    /**
     * A new generation; {@code handedOver} are the positions of a member that just left. The revoked partitions'
     * positions are committed, and their new owners read them once that is stored ({@link #stored}). The caller starts
     * the write ({@link #writeNext}) once it has let go of this object's monitor.
     */
    private void rebalance(Map<TopicPartition, Long> handedOver) {
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
        Map<TopicPartition, Long> revoked = new HashMap<>(handedOver);
        for (Member m : members) {
            Set<TopicPartition> mine = new HashSet<>(next.getOrDefault(m.id, List.of()));
            owned.put(m, mine);
            revoked.putAll(m.reassign(mine, generation, true));
        }
        enqueue(revoked); // also takes a failed write's positions again: their new owners wait for them (stored(tp))
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
            committed.putIfAbsent(p.tp, start); // a later owner starts here too, not at a later "latest"
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

    /**
     * Commits positions (they only move forward); completes once they are stored, or with the store's error. A
     * position already committed completes with the write that holds it (at once when it is stored).
     */
    Mono<Void> commit(Map<TopicPartition, Long> positions) {
        Mono<Void> stored = enqueue(positions);
        writeNext();
        return stored;
    }

    /** Takes positions for the next write; returns what completes when they are stored. */
    private Mono<Void> enqueue(Map<TopicPartition, Long> positions) {
        synchronized (commitLock) {
            positions.forEach((tp, pos) -> {
                Long prev = committed.get(tp);
                if ((prev == null || pos > prev) && engine.topicOrNull(tp.topic()) != null) {
                    committed.put(tp, pos);
                    unwritten.merge(tp, pos, Math::max);
                }
            });
            if (!unwritten.isEmpty()) {
                if (next == null) {
                    next = Sinks.one();
                }
                return next.asMono();
            }
            return writing ? inFlight.asMono() : Mono.empty();
        }
    }

    /**
     * What completes once the committed position in {@code tp} is stored, or null when it is: a partition's new owner
     * reads it only then, so that its previous owner's commit is never lost behind the new owner's.
     */
    Mono<Void> stored(TopicPartition tp) {
        synchronized (commitLock) {
            if (next != null && unwritten.containsKey(tp)) {
                return next.asMono();
            }
            if (writing && writingNow.containsKey(tp)) {
                return inFlight.asMono();
            }
            return null;
        }
    }

    /** Starts the next write unless one is in flight. */
    private void writeNext() {
        Map<TopicPartition, Long> batch;
        Sinks.One<Void> done;
        synchronized (commitLock) {
            if (writing || next == null) {
                return;
            }
            writing = true;
            batch = unwritten;
            writingNow = batch;
            unwritten = new HashMap<>();
            done = next;
            next = null;
            inFlight = done;
        }
        Mono<Void> write;
        try {
            write = engine.offsetStore.commit(id, batch);
        } catch (RuntimeException e) {
            write = Mono.error(e);
        }
        write.subscribe(null, e -> written(batch, done, e), () -> written(batch, done, null));
    }

    private void written(Map<TopicPartition, Long> batch, Sinks.One<Void> done, Throwable error) {
        synchronized (commitLock) {
            writing = false;
            inFlight = null;
            writingNow = Map.of();
            if (error != null) {
                // written again with the next commit (or when the engine closes)
                batch.forEach((tp, pos) -> {
                    if (committed.containsKey(tp)) {
                        unwritten.merge(tp, pos, Math::max);
                    }
                });
            }
        }
        if (error != null) {
            log.warn("Group {} could not store its committed positions {}: {}", id, batch, error.toString());
            done.tryEmitError(error);
        } else {
            done.tryEmitEmpty();
        }
        writeNext(); // the commits that arrived meanwhile
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
