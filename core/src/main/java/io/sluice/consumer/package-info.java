/**
 * Receiving records as a member of a consumer group: {@link io.sluice.consumer.Consumer}, its
 * {@link io.sluice.consumer.ConsumerOptions}, and the {@link io.sluice.consumer.Delivery} it emits.
 */
package io.sluice.consumer;
