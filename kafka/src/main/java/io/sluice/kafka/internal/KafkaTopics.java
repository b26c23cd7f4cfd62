package io.sluice.kafka.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The topics of the cluster as this client last heard of them: name and partition count, from a periodic listing
 * and from this client's own creations, deletions and descriptions at once (so that a producer can send to a topic
 * just created or described). A listing that began before such news does not undo it. Replaced whole, never changed
 * in place: readers need no lock.
 */
public final class KafkaTopics {
    private record Known(int partitions, long sinceNanos) {
    }

    private volatile Map<String, Known> topics = Map.of();

    /** The topic's partition count; -1 when not known here. */
    public int partitions(String topic) {
        Known k = topics.get(topic);
        return k == null ? -1 : k.partitions();
    }

    /** A listing that began at {@code startedNanos} ({@link System#nanoTime}) found these topics. */
    synchronized void listed(Map<String, Integer> listed, long startedNanos) {
        Map<String, Known> m = new HashMap<>();
        listed.forEach((name, n) -> m.put(name, new Known(n, startedNanos)));
        topics.forEach((name, k) -> {
            if (k.sinceNanos() - startedNanos > 0) {
                m.put(name, k); // learnt after the listing began
            }
        });
        topics = Map.copyOf(m);
    }

    synchronized void known(String topic, int partitionCount) {
        Map<String, Known> m = new HashMap<>(topics);
        m.put(topic, new Known(partitionCount, System.nanoTime()));
        topics = Map.copyOf(m);
    }

    synchronized void deleted(String topic) {
        Map<String, Known> m = new HashMap<>(topics);
        m.remove(topic);
        topics = Map.copyOf(m);
    }
}
