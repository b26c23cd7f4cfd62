package io.sluice.transport.netty.internal;

import io.sluice.admin.TopicSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * The topics of the node as the client last heard of them: the list received at each handshake and whenever the
 * node announces a change, and the client's own creations, deletions and descriptions at once (so a producer can
 * route to a topic it has just created or described). Replaced whole, never changed in place: readers need no lock.
 */
final class KnownTopics {
    private volatile Map<String, TopicSpec> topics = Map.of();

    /** The topic's spec; null when the node has not told of it. */
    TopicSpec get(String name) {
        return topics.get(name);
    }

    void replaceAll(Map<String, TopicSpec> received) {
        topics = received;
    }

    /** The node has {@code spec}: created or described by this client. */
    void created(TopicSpec spec) {
        Map<String, TopicSpec> m = new HashMap<>(topics);
        m.put(spec.name(), spec);
        topics = Map.copyOf(m);
    }

    void deleted(String name) {
        Map<String, TopicSpec> m = new HashMap<>(topics);
        m.remove(name);
        topics = Map.copyOf(m);
    }
}
