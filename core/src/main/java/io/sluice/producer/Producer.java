package io.sluice.producer;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends records into topics. Records are accumulated per partition into batches (bounded by
 * {@link ProducerOptions#batchSize} and {@link ProducerOptions#linger}) and each batch is appended once.
 *
 * <p>Flow control: {@link #send} requests from its upstream only while the records it holds (in open
 * batches, in flight or awaiting your demand for results) stay within {@link ProducerOptions#maxPending},
 * and at most {@link ProducerOptions#maxInFlight} batches per partition wait for acknowledgement. A topic
 * that is full under {@code BACKPRESSURE} holds the append, and so the upstream.
 *
 * <p>Results come in acknowledgement order, which is send order within a partition. An error (unknown topic,
 * full topic under {@code FAIL}, closed engine, a record larger than a batch may be:
 * {@link io.sluice.errors.RecordTooLargeException}, raised before that record is sent) terminates the returned Flux;
 * records of batches already acknowledged stay written. Whether the records without a result may have been stored all
 * the same, the error says: {@link io.sluice.errors.SluiceException#isOutcomeUnknown()} (a lost connection, a delivery
 * timeout, an engine closed before its store confirmed them) means they may, and resending them may duplicate them;
 * any other error means the batch it names was not stored (batches the send had in flight to other partitions may
 * have been). A durable store's transient failure is no error: the acknowledgement waits until the engine has stored
 * the batch.
 *
 * <pre>{@code
 * producer.send(Flux.range(0, 1000).map(i -> OutboundMessage.of("orders", "k" + i, bytes(i), i)))
 *         .doOnNext(r -> log.info("{} at offset {}", r.correlation(), r.offset()))
 *         .blockLast();
 * }</pre>
 */
public interface Producer extends AutoCloseable {

    /** Sends every message of {@code messages} and emits one result per message once acknowledged. */
    <T> Flux<SendResult<T>> send(Publisher<OutboundMessage<T>> messages);

    /** Sends one message. */
    default <T> Mono<SendResult<T>> send(OutboundMessage<T> message) {
        return send(Mono.just(message)).single();
    }

    /** Stops the producer: sends in progress fail with {@link io.sluice.errors.ClosedException}, new ones too. */
    @Override
    void close();
}
