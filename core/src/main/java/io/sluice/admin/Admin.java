package io.sluice.admin;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creates, deletes and describes topics; lists and describes consumer groups.
 *
 * <pre>{@code sluice.admin().createTopic(TopicSpec.of("orders").partitions(8)).block();}</pre>
 */
public interface Admin {

    /** Creates the topic; fails with {@link io.sluice.errors.TopicExistsException} if the name is taken. */
    Mono<Void> createTopic(TopicSpec spec);

    /** Deletes the topic and its records; fails with {@link io.sluice.errors.UnknownTopicException}. */
    Mono<Void> deleteTopic(String name);

    /** Fails with {@link io.sluice.errors.UnknownTopicException}. */
    Mono<TopicDescription> describeTopic(String name);

    /** Topic names, sorted. */
    Flux<String> listTopics();

    /** Ids of every group that has joined, sorted. */
    Flux<String> listGroups();

    /** Fails with {@link io.sluice.errors.UnknownGroupException}. */
    Mono<GroupDescription> describeGroup(String group);
}
