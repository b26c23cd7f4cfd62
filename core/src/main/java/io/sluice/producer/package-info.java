/**
 * Sending records: {@link io.sluice.producer.Producer}, its {@link io.sluice.producer.ProducerOptions},
 * the {@link io.sluice.producer.OutboundMessage} it takes and the {@link io.sluice.producer.SendResult} it returns.
 */
package io.sluice.producer;
