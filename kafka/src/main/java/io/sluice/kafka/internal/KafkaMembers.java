package io.sluice.kafka.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The members of one {@code KafkaSluice} that have not left yet: what its {@code close()} stops and waits for, and
 * whose commits a description of their group waits for.
 */
public final class KafkaMembers {
    private final Set<KafkaMember> active = ConcurrentHashMap.newKeySet();

    public void joined(KafkaMember m) {
        active.add(m);
    }

    public void left(KafkaMember m) {
        active.remove(m);
    }

    /** Completes when the commits this client's members of {@code group} started are answered. */
    public Mono<Void> settledCommits(String group) {
        return Flux.fromIterable(active).filter(m -> m.group().equals(group)).flatMap(KafkaMember::settled).then();
    }

    /** The generation this client's members of {@code group} last joined; -1 when none is here. */
    public int generation(String group) {
        return active.stream().filter(m -> m.group().equals(group)).mapToInt(KafkaMember::generation).max().orElse(-1);
    }

    /**
     * A member's client id ends with its weight ({@code ...-weight-3.0}): Kafka keeps no other member attribute that
     * a description of the group can read back.
     */
    public static String withWeight(String clientId, double weight) {
        return clientId + "-weight-" + weight;
    }

    /** The weight a client id ends with; 1.0 for a client that is not a Sluice member. */
    public static double weightIn(String clientId) {
        int at = clientId == null ? -1 : clientId.lastIndexOf("-weight-");
        if (at < 0) {
            return 1.0;
        }
        try {
            return Double.parseDouble(clientId.substring(at + "-weight-".length()));
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    /** Ends every member with {@code error}; completes when each has committed and left. */
    public Mono<Void> stopAll(Throwable error) {
        return Flux.fromIterable(Set.copyOf(active)).flatMap(m -> {
            m.stop(error);
            return m.ended().onErrorResume(e -> Mono.empty());
        }).then();
    }
}
