package io.sluice.internal;

import io.sluice.admin.Admin;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.UnknownGroupException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.metrics.SluiceMeters;
import io.sluice.record.TopicPartition;
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
            Check.notNull("spec", spec);
            engine.ensureOpen();
            String name = spec.name();
            PartitionState[] partitions = new PartitionState[spec.partitions()];
            EngineMetrics m = engine.metrics;
            var recordsIn = m.counter(SluiceMeters.RECORDS_IN, SluiceMeters.TAG_TOPIC, name);
            var bytesIn = m.counter(SluiceMeters.BYTES_IN, SluiceMeters.TAG_TOPIC, name);
            var dropped = m.counter(SluiceMeters.RECORDS_DROPPED, SluiceMeters.TAG_TOPIC, name);
            for (int i = 0; i < partitions.length; i++) {
                partitions[i] = new PartitionState(new TopicPartition(name, i), spec, engine.clock()::millis, recordsIn, bytesIn, dropped);
            }
            TopicState topic = new TopicState(spec, partitions, m.sendLatency(name));
            if (engine.topics.putIfAbsent(name, topic) != null) {
                return Mono.error(new TopicExistsException("topic '" + name + "' exists already"));
            }
            for (PartitionState p : partitions) {
                m.gauge(SluiceMeters.BACKLOG, p, PartitionState::backlog,
                        SluiceMeters.TAG_TOPIC, name, SluiceMeters.TAG_PARTITION, Integer.toString(p.tp.partition()));
            }
            return engine.store.createTopic(spec)
                    .doOnError(e -> engine.topics.remove(name, topic))
                    .then(Mono.fromRunnable(() -> engine.groups.values().forEach(g -> g.topicsChanged(name))));
        });
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
            for (PartitionState p : topic.partitions) {
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
            for (PartitionState p : t.partitions) {
                infos.add(new TopicDescription.PartitionInfo(p.tp.partition(), p.log.startOffset(), p.log.endOffset()));
            }
            return new TopicDescription(t.spec, List.copyOf(infos));
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
