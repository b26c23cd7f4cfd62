package io.sluice.benchmarks.perf.targets;

import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.targets.peers.KafkaTarget;
import io.sluice.benchmarks.perf.targets.peers.NatsTarget;
import io.sluice.benchmarks.perf.targets.peers.RabbitMqTarget;
import io.sluice.benchmarks.perf.targets.peers.ZeroMqTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The registry of targets by name; a new target is one line here. */
public final class Targets {
    private static final Map<String, java.util.function.Function<Peers, Target>> ALL = new LinkedHashMap<>();

    static {
        ALL.put(ReactorRawTarget.NAME, peers -> new ReactorRawTarget());
        ALL.put(SluiceEmbeddedTarget.NAME, peers -> new SluiceEmbeddedTarget());
        ALL.put(SluiceTcpTarget.NAME, peers -> SluiceTcpTarget.create(peers.node()));
        ALL.put(SluiceKafkaTarget.NAME, peers -> SluiceKafkaTarget.create(peers.bootstrap()));
        ALL.put("sluice-h2", peers -> DurableStores.sluiceH2());
        ALL.put("sluice-postgres", peers -> DurableStores.sluicePostgres(peers.postgres()));
        ALL.put("h2-rows", peers -> RowsTarget.h2());
        ALL.put("postgres-rows", peers -> RowsTarget.postgres(peers.postgres()));
        ALL.put(KafkaTarget.NAME, peers -> new KafkaTarget(peers.bootstrap()));
        ALL.put(RabbitMqTarget.NAME, peers -> new RabbitMqTarget(peers.amqp()));
        ALL.put(NatsTarget.NAME, peers -> new NatsTarget(peers.nats()));
        ALL.put(ZeroMqTarget.NAME, peers -> new ZeroMqTarget());
    }

    private Targets() {
    }

    /** Every target's name, in the order they are listed in help. */
    public static Set<String> names() {
        return ALL.keySet();
    }

    /**
     * A new, unopened target.
     *
     * @throws IllegalArgumentException naming the unknown target and the known ones
     */
    public static Target create(String name) {
        return create(name, Peers.defaults());
    }

    /** A new, unopened target that reaches its peer (if it has one) at the address in {@code peers}. */
    public static Target create(String name, Peers peers) {
        java.util.function.Function<Peers, Target> f = ALL.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown target '" + name + "'; known targets: " + String.join(", ", names()));
        }
        return f.apply(peers);
    }
}
