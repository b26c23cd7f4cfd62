package io.sluice.internal;

import io.sluice.admin.Admin;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.check.Check;
import io.sluice.spi.TopicSettings;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.UnknownGroupException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.metrics.SluiceMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The embedded engine's {@link Admin}. */
final class EngineAdmin implements Admin {
    private final Engine engine;

    EngineAdmin(Engine engine) {
        this.engine = engine;
    }

    @Override
    public Mono<Void> createTopic(TopicSpec spec) {
        return Mono.defer(() -> {
            TopicSettings.refuseAny(Check.notNull("spec", spec), "the embedded engine");
            engine.ensureOpen();
            String name = spec.name();
            TopicState topic = engine.newTopic(spec, new long[spec.partitions()]);
            if (engine.topics.putIfAbsent(name, topic) != null) {
                return Mono.error(new TopicExistsException("topic '" + name + "' exists already"));
            }
            registerGauges(topic);
            return engine.store.createTopic(spec)
                    .doOnError(e -> engine.topics.remove(name, topic))
                    .then(Mono.fromRunnable(() -> engine.groups.values().forEach(g -> g.topicsChanged(name))));
        });
    }

    /** The per-partition gauges of a registered topic. */
    void registerGauges(TopicState topic) {
        for (PartitionState p : topic.partitions()) {
            engine.metrics.gauge(SluiceMeters.BACKLOG, p, PartitionState::backlog, SluiceMeters.TAG_TOPIC, topic.name(),
                    SluiceMeters.TAG_PARTITION, Integer.toString(p.tp.partition()));
        }
    }

    @Override
    public Mono<Void> deleteTopic(String name) {
        return Mono.defer(() -> {
            Check.notBlank("name", name);
            engine.ensureOpen();
            TopicState topic = engine.topics.remove(name);
            if (topic == null) {
                return Mono.error(new UnknownTopicException("unknown topic '" + name + "'"));
            }
            for (PartitionState p : topic.partitions()) {
                p.close();
            }
            engine.groups.values().forEach(g -> g.topicsChanged(name));
            engine.metrics.removeTopic(name);
            return engine.store.deleteTopic(name).then(engine.offsetStore.deleteTopic(name));
        });
    }

    @Override
    public Mono<TopicDescription> describeTopic(String name) {
        return Mono.fromCallable(() -> {
            Check.notBlank("name", name);
            engine.ensureOpen();
            TopicState t = engine.requireTopic(name);
            List<TopicDescription.PartitionInfo> infos = new ArrayList<>();
            for (PartitionState p : t.partitions()) {
                infos.add(new TopicDescription.PartitionInfo(p.tp.partition(), p.startOffset(), p.log.endOffset()));
            }
            return new TopicDescription(t.spec(), List.copyOf(infos));
        });
    }

    @Override
    public Flux<String> listTopics() {
        return Flux.defer(() -> {
            engine.ensureOpen();
            return Flux.fromIterable(new TreeSet<>(engine.topics.keySet()));
        });
    }

    @Override
    public Flux<String> listGroups() {
        return Flux.defer(() -> {
            engine.ensureOpen();
            return Flux.fromIterable(new TreeSet<>(engine.groups.keySet()));
        });
    }

    @Override
    public Mono<GroupDescription> describeGroup(String group) {
        return Mono.fromCallable(() -> {
            Check.notBlank("group", group);
            engine.ensureOpen();
            GroupState g = engine.groups.get(group);
            if (g == null) {
                throw new UnknownGroupException("unknown group '" + group + "'");
            }
            return g.describe();
        });
    }
}
