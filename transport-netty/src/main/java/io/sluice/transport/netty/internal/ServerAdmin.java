package io.sluice.transport.netty.internal;

import io.sluice.admin.Admin;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.UnauthorizedException;
import io.sluice.transport.netty.Access;
import reactor.core.publisher.Mono;

/**
 * The admin requests of one {@link ServerSession} ({@link AdminCodec}): each runs on the engine's {@link Admin} and
 * is answered on its stream, or with an error frame. Creating and deleting topics takes an admin token; after
 * either, every session announces the new topic list, so that clients' producers can route to it at once.
 */
final class ServerAdmin {
    private final ServerSession session;
    private final Admin admin;
    /** Publishes the topic list to every session after a topic is created or deleted. */
    private final Runnable topicsChanged;

    ServerAdmin(ServerSession session, Admin admin, Runnable topicsChanged) {
        this.session = session;
        this.admin = admin;
        this.topicsChanged = topicsChanged;
    }

    /** Handles one admin frame of a client holding {@code access}. */
    void handle(FrameReader r, Access access) {
        switch (r.kind) {
            case Frames.CREATE_TOPIC -> createTopic(r, access);
            case Frames.DELETE_TOPIC -> deleteTopic(r, access);
            case Frames.DESCRIBE_TOPIC -> describeTopic(r);
            case Frames.LIST_TOPICS -> listTopics(r);
            case Frames.LIST_GROUPS -> listGroups(r);
            case Frames.DESCRIBE_GROUP -> describeGroup(r);
            case Frames.METADATA -> metadata(r);
            default -> throw new IllegalStateException("not an admin frame: " + Frames.kindName(r.kind));
        }
    }

    private static void requireAdmin(Access access, String what) {
        if (!access.isAdmin()) {
            throw new UnauthorizedException("this token may not " + what);
        }
    }

    private void createTopic(FrameReader r, Access access) {
        TopicSpec spec = AdminCodec.readTopicSpec(r);
        r.end();
        requireAdmin(access, "create topics");
        int stream = r.stream;
        session.answer(stream, admin.createTopic(spec), v -> {
            session.ok(stream);
            topicsChanged.run();
        });
    }

    private void deleteTopic(FrameReader r, Access access) {
        String name = AdminCodec.readName(r, "topic");
        requireAdmin(access, "delete topics");
        int stream = r.stream;
        session.answer(stream, admin.deleteTopic(name), v -> {
            session.ok(stream);
            topicsChanged.run();
        });
    }

    private void describeTopic(FrameReader r) {
        String name = AdminCodec.readName(r, "topic");
        int stream = r.stream;
        session.answer(stream, admin.describeTopic(name), d -> session.write(AdminCodec.encodeTopic(stream, d)));
    }

    private void listTopics(FrameReader r) {
        r.end();
        int stream = r.stream;
        session.answer(stream, admin.listTopics().collectList(), names -> session.write(AdminCodec.encodeNames(stream, names)));
    }

    private void listGroups(FrameReader r) {
        r.end();
        int stream = r.stream;
        session.answer(stream, admin.listGroups().collectList(), names -> session.write(AdminCodec.encodeNames(stream, names)));
    }

    private void describeGroup(FrameReader r) {
        String group = AdminCodec.readName(r, "group");
        int stream = r.stream;
        session.answer(stream, admin.describeGroup(group), g -> session.write(AdminCodec.encodeGroup(stream, g)));
    }

    private void metadata(FrameReader r) {
        r.end();
        sendTopics(r.stream);
    }

    /** Sends every topic's spec on {@code stream} (0: unasked, after a change). */
    void sendTopics(int stream) {
        session.answer(stream, admin.listTopics()
                .concatMap(name -> admin.describeTopic(name).onErrorResume(e -> Mono.empty())) // deleted meanwhile
                .map(TopicDescription::spec)
                .collectList(), specs -> session.write(AdminCodec.encodeTopics(stream, specs)));
    }
}
