package io.sluice.kafka.internal;

import io.sluice.admin.Admin;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.check.Check;
import io.sluice.errors.DisconnectedException;
import io.sluice.errors.UnknownGroupException;
import io.sluice.errors.UnknownTopicException;
import io.sluice.record.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Sluice's {@link Admin} on Kafka's admin client. A {@link TopicSpec} becomes a Kafka topic: its partitions, its
 * {@code retentionBytes} as {@code retention.bytes} (per partition on both sides), its {@code retentionAge} as
 * {@code retention.ms} (none: -1, kept regardless of age), and its {@link TopicSpec#settings() settings} as topic
 * configs, {@code replication.factor} as the replication factor (else the broker's default). What Kafka has no
 * equivalent for is refused, naming it: retention by record count, and the {@code DROP_OLDEST} and {@code FAIL}
 * overflow policies (a Kafka topic never holds or refuses a producer for a slow group: retention alone bounds it).
 * A created topic is usable when {@code createTopic} completes: it waits (up to 10 s) until every partition's leader
 * serves it, as Kafka's controller creates a topic before its brokers know of it. Answers arrive on
 * {@code scheduler}, never on the admin client's own thread.
 */
public final class KafkaAdmin implements Admin {
    /** The topic configs a {@link TopicSpec}'s own fields stand for: not repeated among its settings. */
    private static final Set<String> SPEC_CONFIGS = Set.of("retention.bytes", "retention.ms");
    static final String REPLICATION_FACTOR = "replication.factor";

    private final org.apache.kafka.clients.admin.Admin kafka;
    private final KafkaErrors errors;
    private final KafkaTopics topics;
    private final Scheduler scheduler;
    /** This client's members: their commits settle before a group is described (read your own commits). */
    private final KafkaMembers members;

    public KafkaAdmin(org.apache.kafka.clients.admin.Admin kafka, KafkaErrors errors, KafkaTopics topics, Scheduler scheduler,
                      KafkaMembers members) {
        this.kafka = kafka;
        this.errors = errors;
        this.topics = topics;
        this.scheduler = scheduler;
        this.members = members;
    }

    @Override
    public Mono<Void> createTopic(TopicSpec spec) {
        return Mono.defer(() -> {
            Check.notNull("spec", spec);
            NewTopic topic = newTopic(spec);
            String what = "creating topic '" + spec.name() + "'";
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < spec.partitions(); p++) {
                tps.add(new org.apache.kafka.common.TopicPartition(spec.name(), p));
            }
            Retry soon = Retry.fixedDelay(200, Duration.ofMillis(50))
                    .filter(e -> e instanceof UnknownTopicException || e instanceof DisconnectedException || e instanceof NoLeaderYet)
                    .onRetryExhaustedThrow((r, x) -> x.failure());
            return answer(() -> kafka.createTopics(List.of(topic)).all(), spec.name(), what)
                    // created on the controller; usable once every partition has a leader (asked first: a listing of the
                    // offsets of a partition whose leader does not know it yet makes Kafka's client log an ERROR)...
                    .then(answer(() -> kafka.describeTopics(List.of(spec.name())).allTopicNames(), spec.name(), what)
                            .flatMap(m -> m.get(spec.name()).partitions().stream().allMatch(p -> p.leader() != null
                                    && !p.leader().isEmpty()) ? Mono.just(m) : Mono.error(new NoLeaderYet()))
                            .retryWhen(soon))
                    // ...and its leaders serve it
                    .then(offsets(tps, OffsetSpec.latest(), spec.name(), what)
                            .retryWhen(soon))
                    .then()
                    .doOnSuccess(v -> topics.known(spec.name(), spec.partitions()));
        });
    }

    /** A partition of a topic just created has no leader yet: asked again soon. */
    private static final class NoLeaderYet extends RuntimeException {
        NoLeaderYet() {
            super("a partition has no leader yet", null, false, false);
        }
    }

    /** The Kafka topic {@code spec} stands for; refuses what Kafka cannot keep, naming it. */
    static NewTopic newTopic(TopicSpec spec) {
        String name = spec.name();
        if (spec.retentionRecords() != TopicSpec.UNLIMITED) {
            throw new IllegalArgumentException("topic '" + name + "': Kafka has no retention by record count (retentionRecords "
                    + spec.retentionRecords() + "): use retentionBytes or retentionAge");
        }
        if (spec.overflow() != OverflowPolicy.BACKPRESSURE) {
            throw new IllegalArgumentException("topic '" + name + "': Kafka has no overflow policy " + spec.overflow()
                    + ": a Kafka topic never holds or refuses producers for a slow group; retention alone bounds it"
                    + " (retentionBytes, retentionAge)");
        }
        Map<String, String> configs = new HashMap<>(spec.settings());
        Optional<Short> replication = Optional.empty();
        String rf = configs.remove(REPLICATION_FACTOR);
        if (rf != null) {
            try {
                replication = Optional.of(Short.parseShort(rf.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("topic '" + name + "': setting replication.factor must be a number, was '" + rf + "'");
            }
        }
        for (String c : SPEC_CONFIGS) {
            if (configs.containsKey(c)) {
                throw new IllegalArgumentException("topic '" + name + "': setting " + c + " is TopicSpec."
                        + (c.equals("retention.bytes") ? "retentionBytes" : "retentionAge") + ": use that");
            }
        }
        configs.put("retention.bytes", spec.retentionBytes() == TopicSpec.UNLIMITED ? "-1" : Long.toString(spec.retentionBytes()));
        configs.put("retention.ms", spec.retentionAge() == null ? "-1" : Long.toString(spec.retentionAge().toMillis()));
        return new NewTopic(name, Optional.of(spec.partitions()), replication).configs(configs);
    }

    @Override
    public Mono<Void> deleteTopic(String name) {
        return Mono.defer(() -> answer(() -> kafka.deleteTopics(List.of(Check.notNull("name", name))).all(), name,
                "deleting topic '" + name + "'").doOnSuccess(v -> topics.deleted(name)));
    }

    @Override
    public Mono<TopicDescription> describeTopic(String name) {
        return Mono.defer(() -> {
            Check.notNull("name", name);
            String what = "describing topic '" + name + "'";
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Mono<org.apache.kafka.clients.admin.TopicDescription> described =
                    answer(() -> kafka.describeTopics(List.of(name)).allTopicNames(), name, what).map(m -> m.get(name));
            return described.flatMap(d -> answer(() -> kafka.describeConfigs(List.of(resource)).all(), name, what)
                    .map(c -> c.get(resource))
                    .flatMap(config -> {
                        List<org.apache.kafka.common.TopicPartition> tps = d.partitions().stream()
                                .map(p -> new org.apache.kafka.common.TopicPartition(name, p.partition())).toList();
                        return offsets(tps, OffsetSpec.earliest(), name, what).zipWith(offsets(tps, OffsetSpec.latest(), name, what))
                                .map(o -> {
                                    topics.known(name, d.partitions().size());
                                    List<TopicDescription.PartitionInfo> infos = new ArrayList<>();
                                    for (org.apache.kafka.common.TopicPartition tp : tps) {
                                        infos.add(new TopicDescription.PartitionInfo(tp.partition(), o.getT1().get(tp), o.getT2().get(tp)));
                                    }
                                    return new TopicDescription(spec(d, config), infos);
                                });
                    }));
        });
    }

    /** The spec a Kafka topic stands for: its retention, and its replication factor and overridden configs as settings. */
    private static TopicSpec spec(org.apache.kafka.clients.admin.TopicDescription d, Config config) {
        TopicSpec spec = TopicSpec.of(d.name()).partitions(d.partitions().size());
        for (ConfigEntry e : config.entries()) {
            if (e.value() == null) {
                continue;
            }
            if (e.name().equals("retention.bytes")) {
                long bytes = Long.parseLong(e.value());
                spec = spec.retentionBytes(bytes < 0 ? TopicSpec.UNLIMITED : bytes);
            } else if (e.name().equals("retention.ms")) {
                long ms = Long.parseLong(e.value());
                spec = spec.retentionAge(ms < 0 ? null : Duration.ofMillis(ms));
            } else if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                spec = spec.setting(e.name(), e.value());
            }
        }
        List<TopicPartitionInfo> partitions = d.partitions();
        if (!partitions.isEmpty()) {
            spec = spec.setting(REPLICATION_FACTOR, Integer.toString(partitions.get(0).replicas().size()));
        }
        return spec;
    }

    private Mono<Map<org.apache.kafka.common.TopicPartition, Long>> offsets(List<org.apache.kafka.common.TopicPartition> tps,
                                                                            OffsetSpec which, String topic, String what) {
        if (tps.isEmpty()) {
            return Mono.just(Map.of());
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetSpec> request = tps.stream().collect(Collectors.toMap(tp -> tp, tp -> which));
        return answer(() -> kafka.listOffsets(request).all(), topic, what).map(m -> m.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())));
    }

    /** Lists the cluster's topics and their partition counts into what producers see ({@link KafkaTopics}). */
    public Mono<Void> refreshTopics() {
        long started = System.nanoTime();
        return Mono.defer(() -> answer(() -> kafka.listTopics().names(), null, "listing topics"))
                .flatMap(names -> names.isEmpty() ? Mono.just(Map.<String, org.apache.kafka.clients.admin.TopicDescription>of())
                        : answer(() -> kafka.describeTopics(names).allTopicNames(), null, "listing topics"))
                .doOnNext(described -> {
                    Map<String, Integer> counts = new HashMap<>();
                    described.forEach((name, d) -> counts.put(name, d.partitions().size()));
                    topics.listed(counts, started);
                })
                .then();
    }

    @Override
    public Flux<String> listTopics() {
        return Mono.defer(() -> answer(() -> kafka.listTopics().names(), null, "listing topics"))
                .flatMapIterable(names -> names.stream().sorted().toList());
    }

    @Override
    public Flux<String> listGroups() {
        return Mono.defer(() -> answer(() -> kafka.listGroups(ListGroupsOptions.forConsumerGroups()).all(), null, "listing groups"))
                .flatMapIterable(groups -> groups.stream().map(g -> g.groupId()).sorted().toList());
    }

    /**
     * The group as Kafka's coordinator has it: its members and their partitions, and per partition the committed
     * offset, the end offset and the lag, for every partition that has a committed offset or an owner. First waits
     * until the commits this client's members of the group have started are answered, so that a describe right after
     * a subscription ended sees what it committed. Kafka does not report a classic group's generation: it is the one this
     * client's members of the group last joined, or -1 when none is here. Weights are read from the members' client
     * ids, which end with them ({@link KafkaMembers#weightIn}).
     */
    @Override
    public Mono<GroupDescription> describeGroup(String group) {
        return Mono.defer(() -> {
            Check.notNull("group", group);
            String what = "describing group '" + group + "'";
            return members.settledCommits(group)
                    .then(Mono.zip(answer(() -> kafka.describeConsumerGroups(List.of(group)).all(), null, what).map(m -> m.get(group)),
                            answer(() -> kafka.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), null, what)))
                    .flatMap(t -> describe(t.getT1(), t.getT2(), what));
        });
    }

    private Mono<GroupDescription> describe(ConsumerGroupDescription d, Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed,
                                            String what) {
        String group = d.groupId();
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                positions.put(tp, o);
            }
        });
        if (d.groupState() == GroupState.DEAD || (d.members().isEmpty() && positions.isEmpty() && d.groupState() == GroupState.EMPTY)) {
            return Mono.error(new UnknownGroupException("unknown group '" + group + "' " + errors.where()
                    + ": no member has joined it and it has no committed offsets"));
        }
        List<GroupDescription.Member> described = new ArrayList<>();
        Set<org.apache.kafka.common.TopicPartition> all = new HashSet<>(positions.keySet());
        for (MemberDescription m : d.members()) {
            List<TopicPartition> owned = m.assignment().topicPartitions().stream()
                    .map(tp -> new TopicPartition(tp.topic(), tp.partition()))
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)).toList();
            all.addAll(m.assignment().topicPartitions());
            described.add(new GroupDescription.Member(m.consumerId(), KafkaMembers.weightIn(m.clientId()), owned));
        }
        described.sort(Comparator.comparing(GroupDescription.Member::id));
        List<org.apache.kafka.common.TopicPartition> tps = all.stream()
                .sorted(Comparator.comparing(org.apache.kafka.common.TopicPartition::topic)
                        .thenComparingInt(org.apache.kafka.common.TopicPartition::partition)).toList();
        return offsets(tps, OffsetSpec.earliest(), null, what).zipWith(offsets(tps, OffsetSpec.latest(), null, what)).map(o -> {
            List<GroupDescription.PartitionLag> lags = new ArrayList<>();
            for (org.apache.kafka.common.TopicPartition tp : tps) {
                long end = o.getT2().get(tp);
                OffsetAndMetadata c = positions.get(tp);
                long position = c != null ? c.offset() : o.getT1().get(tp);
                lags.add(new GroupDescription.PartitionLag(new TopicPartition(tp.topic(), tp.partition()), position, end,
                        Math.max(0, end - position)));
            }
            return new GroupDescription(group, d.groupEpoch().orElse(members.generation(group)), described, lags);
        });
    }

    /** The value of the future {@code call} starts (when subscribed to), on the scheduler, its error mapped to Sluice's. */
    private <T> Mono<T> answer(Supplier<KafkaFuture<T>> call, String topic, String what) {
        return Mono.defer(() -> Mono.fromCompletionStage(call.get().toCompletionStage()))
                .onErrorMap(e -> errors.map(e, topic, what))
                .publishOn(scheduler);
    }
}
