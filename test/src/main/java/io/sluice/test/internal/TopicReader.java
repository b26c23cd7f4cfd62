package io.sluice.test.internal;

import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.StartPosition;
import io.sluice.errors.UnknownTopicException;
import io.sluice.record.Record;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Reads a topic from its start, the one way Sluice offers on every implementation: a member of a group of its own,
 * starting at {@link StartPosition#earliest()}, acknowledging what it emits. Each subscription is a new group
 * ({@code sluice-test-read-N}), so a re-subscription reads the topic from its start again.
 */
public final class TopicReader {
    /** Within a partition, then by offset: the order a snapshot is emitted in. */
    public static final Comparator<Record> PARTITION_THEN_OFFSET =
            Comparator.comparingInt(Record::partition).thenComparingLong(Record::offset);

    /** How often {@link #first} looks again for a topic that does not exist yet. */
    private static final Duration TOPIC_POLL = Duration.ofMillis(20);

    private final Sluice sluice;
    private final AtomicLong groups = new AtomicLong();

    public TopicReader(Sluice sluice) {
        this.sluice = sluice;
    }

    /** Every record of the topic from its start, then each new one as it is appended; never completes. */
    public Flux<Record> follow(String topic) {
        return Flux.defer(() -> sluice.consumer(ConsumerOptions.create("sluice-test-read-" + groups.incrementAndGet())
                        .topics(topic).startPosition(StartPosition.earliest()).clientId("sluice-test-reader"))
                .receiveAutoAck());
    }

    /**
     * The records the topic holds when this is subscribed to (up to each partition's end offset then), sorted by
     * partition and offset, then completes. Fails with the admin's error when the topic does not exist.
     */
    public Flux<Record> snapshot(String topic) {
        return sluice.admin().describeTopic(topic).flatMapMany(described -> {
            Map<Integer, Long> ends = ends(described);
            if (ends.isEmpty()) {
                return Flux.empty();
            }
            Set<Integer> unread = new HashSet<>(ends.keySet()); // touched by one subscriber's onNext at a time
            return follow(topic)
                    .filter(r -> r.offset() < ends.getOrDefault(r.partition(), -1L))
                    .takeUntil(r -> r.offset() == ends.get(r.partition()) - 1 && unread.remove(r.partition()) && unread.isEmpty())
                    .collectSortedList(PARTITION_THEN_OFFSET)
                    .flatMapIterable(records -> records);
        });
    }

    /**
     * The first {@code n} records of the topic from its start, emitted as they arrive; completes after the {@code n}th.
     * A topic that does not exist yet is looked for again every 20 ms until it does (a dead-letter topic is created by
     * its first record). When fewer arrived within {@code timeout} (a {@code Mono.delay}, on Reactor's parallel
     * scheduler, so that virtual time can run it) it fails with an {@link AssertionError} naming the topic, how many arrived and the timeout.
     */
    public Flux<Record> first(String topic, int n, Duration timeout) {
        if (n < 0) {
            return Flux.error(new IllegalArgumentException("n must be >= 0, was " + n));
        }
        return Flux.defer(() -> {
            AtomicInteger arrived = new AtomicInteger();
            // a topic created on first use (a dead-letter topic) may appear within the timeout: wait for it too
            return follow(topic)
                    .onErrorResume(UnknownTopicException.class, e -> Mono.delay(TOPIC_POLL).then(Mono.error(e)))
                    .retryWhen(Retry.indefinitely().filter(UnknownTopicException.class::isInstance))
                    .take(n).doOnNext(r -> arrived.incrementAndGet())
                    .takeUntilOther(Mono.delay(timeout))
                    .concatWith(Mono.defer(() -> arrived.get() >= n ? Mono.empty() : sluice.admin().describeTopic(topic)
                            .map(described -> "")
                            .onErrorResume(UnknownTopicException.class, e -> Mono.just(" (the topic does not exist)"))
                            .flatMap(why -> Mono.error(new AssertionError(String.format(
                                    "expected %d records on topic '%s' within %s, but %d arrived%s", n, topic, timeout,
                                    arrived.get(), why))))));
        });
    }

    private static Map<Integer, Long> ends(TopicDescription described) {
        Map<Integer, Long> ends = new HashMap<>();
        for (TopicDescription.PartitionInfo p : described.partitions()) {
            if (p.endOffset() > p.startOffset()) {
                ends.put(p.partition(), p.endOffset());
            }
        }
        return ends;
    }
}
