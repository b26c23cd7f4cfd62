package io.sluice.consumer;

import io.sluice.errors.DeserializationException;
import io.sluice.record.Record;
import io.sluice.serde.Serde;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A member of a consumer group. Subscribing to {@link #receive()}, {@link #receiveAutoAck()} or
 * {@link #process} joins the group; cancelling, completing or an error leaves it. One subscription at a time.
 *
 * <p>Members of one group share the partitions of its topics (a work queue); different groups each see
 * every record (publish/subscribe). Every join and leave is a rebalance, announced on {@link #rebalances()}.
 * When a subscription ends (cancelled, completed by an operator such as {@code take(n)}, failed, or its
 * {@code Sluice} closed) the member commits what it acknowledged; closing the {@code Sluice} waits for that commit.
 *
 * <p>Records are emitted, and {@link #process} handlers called, on non-blocking threads (the engine's delivery and
 * sender threads, or the connection's event loop of a remote node; a handler whose previous {@code Mono} completed
 * elsewhere may be called there). Code there must not block: Reactor's {@code block()} refuses to, and a handler that
 * tries ends {@code process} with an {@link IllegalStateException} saying so. Move blocking work off them with
 * {@code publishOn(Schedulers.boundedElastic())}. Embedded and remote behave the same.
 *
 * <pre>{@code
 * consumer.process(record -> billing.charge(record)).subscribe();   // acks, retries and dead letters for you
 * }</pre>
 */
public interface Consumer {

    /** Deliveries to acknowledge yourself ({@link Delivery#ack()}); unacknowledged ones are redelivered. */
    Flux<Delivery> receive();

    /** Records acknowledged as they are emitted: a record your code loses in a crash is not redelivered. */
    Flux<Record> receiveAutoAck();

    /**
     * Runs {@code handler} for every record with the options' {@code concurrency}, {@code ordering} and
     * {@code retry}; acknowledges each record when its handler's publisher completes, and after the last failed attempt
     * sends it to the dead-letter topic (with the cause in headers; created on first use, see
     * {@link ConsumerOptions#deadLetterTopic}) or, without one, ends with the error. The handler returns a publisher,
     * never null ({@code Mono.empty()} to acknowledge at once); an attempt that throws, returns null or errors failed.
     * A handler that blocks its thread is neither retried nor dead-lettered: {@code process} ends with an
     * {@link IllegalStateException} naming the record and what to do instead. A {@link DeserializationException} (a
     * {@code record.value(serde)} that could not read the record) is not retried either: the record is dead-lettered
     * after that one attempt.
     */
    Flux<Result> process(Function<Record, ? extends Publisher<?>> handler);

    /**
     * As {@link #process(Function)}, with each record's value read by {@code valueSerde} and given to {@code handler}
     * beside its record: {@code consumer.process(JsonSerde.of(Order.class), (record, order) -> billing.charge(order))}.
     * Reading the value is part of the attempt: a value the serde cannot read fails it with a
     * {@link DeserializationException} naming the record, which is not retried (the same bytes would fail again) and
     * goes to the dead-letter topic with that cause, as a failing handler's record does, or, without one, ends
     * {@code process}. The serde reads the value again for each retry of a failing handler.
     */
    default <T> Flux<Result> process(Serde<T> valueSerde,
                                     BiFunction<? super Record, ? super T, ? extends Publisher<?>> handler) {
        if (valueSerde == null || handler == null) {
            return Flux.error(new IllegalArgumentException((valueSerde == null ? "valueSerde" : "handler") + " must not be null"));
        }
        return process(record -> handler.apply(record, record.value(valueSerde)));
    }

    /** Rebalances that concern this consumer, while it is a member. */
    Flux<RebalanceEvent> rebalances();

    /**
     * Commits the group's position in every partition this member owns; completes once the position is stored.
     * After the subscription ended, completes once what it acknowledged before the end is stored (it was committed
     * then; a commit that failed is tried again), and acknowledgements made after the end count for nothing: their
     * records are delivered again. Before any subscription, completes at once.
     */
    Mono<Void> commit();

    ConsumerOptions options();
}
