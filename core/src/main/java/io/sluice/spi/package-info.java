/**
 * The seam another {@link io.sluice.Sluice} implementation plugs into: the embedded engine implements it, and so do
 * the Netty client ({@code sluice-transport-netty}) and {@code KafkaSluice} ({@code sluice-kafka}).
 * <ul>
 *   <li>{@link io.sluice.spi.SendTarget}: where batches go; {@link io.sluice.spi.Producers} makes the producers that
 *       write to it (the batching, linger and in-flight bounds every implementation shares; their classes are
 *       package-private here, so that this package depends on the API alone and never on the engine), and
 *       {@link io.sluice.spi.TargetTopic} is the topic both the engine and the Netty client give them.</li>
 *   <li>{@link io.sluice.spi.AbstractConsumer}: what a consumer does on top of its deliveries (auto-ack,
 *       {@code process} with concurrency, ordering, retries and dead letters); a subclass supplies
 *       {@code receive()}. {@link io.sluice.spi.AckTracker} is what a member acknowledged of a partition: the
 *       contiguous prefix its group commits.</li>
 *   <li>{@link io.sluice.spi.TopicSettings}: an implementation without Kafka's topic settings refuses them.</li>
 * </ul>
 * The storage SPI ({@link io.sluice.log.LogStore}, {@link io.sluice.log.OffsetStore}) is in {@code io.sluice.log}
 * beside the batch format it stores; argument checks for an implementation's options are in {@code io.sluice.check}.
 * Types here change only with a note in the release; {@code internal} packages carry no promise at all.
 */
package io.sluice.spi;
