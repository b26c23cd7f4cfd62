package io.sluice.transport.netty.internal;

import io.sluice.admin.Admin;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.check.Check;
import io.sluice.spi.TopicSettings;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The admin of a remote node: each call is one request. Topic changes update the client's topic list at once, and so
 * does a topic described (its producers can route to it then, even before the node's announcement arrives).
 */
public final class RemoteAdmin implements Admin {
    private final ClientConnection connection;

    public RemoteAdmin(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public Mono<Void> createTopic(TopicSpec spec) {
        return Mono.defer(() -> {
            TopicSettings.refuseAny(Check.notNull("spec", spec), "a Sluice node");
            return connection.<Void>request(Frames.CREATE_TOPIC, b -> AdminCodec.writeTopicSpec(b, spec), Frames.OK, r -> null)
                    .doOnSuccess(v -> connection.topics().created(spec));
        });
    }

    @Override
    public Mono<Void> deleteTopic(String name) {
        return Mono.defer(() -> {
            Check.notBlank("name", name);
            return connection.<Void>request(Frames.DELETE_TOPIC, b -> AdminCodec.writeName(b, name), Frames.OK, r -> null)
                    .doOnSuccess(v -> connection.topics().deleted(name));
        });
    }

    @Override
    public Mono<TopicDescription> describeTopic(String name) {
        return Mono.defer(() -> {
            Check.notBlank("name", name);
            return connection.request(Frames.DESCRIBE_TOPIC, b -> AdminCodec.writeName(b, name), Frames.TOPIC, AdminCodec::readTopic)
                    .doOnNext(d -> connection.topics().created(d.spec()));
        });
    }

    @Override
    public Flux<String> listTopics() {
        return connection.<List<String>>request(Frames.LIST_TOPICS, b -> { }, Frames.NAMES, AdminCodec::readNames)
                .flatMapIterable(l -> l);
    }

    @Override
    public Flux<String> listGroups() {
        return connection.<List<String>>request(Frames.LIST_GROUPS, b -> { }, Frames.NAMES, AdminCodec::readNames)
                .flatMapIterable(l -> l);
    }

    @Override
    public Mono<GroupDescription> describeGroup(String group) {
        return Mono.defer(() -> {
            Check.notBlank("group", group);
            return connection.request(Frames.DESCRIBE_GROUP, b -> AdminCodec.writeName(b, group), Frames.GROUP, AdminCodec::readGroup);
        });
    }
}
