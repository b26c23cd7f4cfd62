/**
 * The Sluice test kit for JUnit 5: {@link io.sluice.test.SluiceTest} gives a test an embedded engine (per method, or per
 * class with {@code @TestInstance(PER_CLASS)}), optionally served as a node on a free port with its client, the topics
 * of its {@link io.sluice.test.SluiceTopic}s, and a {@link io.sluice.test.SluiceTestKit} of helpers: send, read a topic
 * from its start as a finite {@code Flux} for a {@code StepVerifier}, await records with a timeout, read a group's lag.
 * It is to Sluice what Spring Kafka's {@code @EmbeddedKafka} and {@code KafkaTestUtils} are to Kafka, without a broker.
 */
package io.sluice.test;
