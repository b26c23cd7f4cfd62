/**
 * The peers' drivers, each driving its system as that system's own benchmark tool does: Kafka (with a KRaft broker in a
 * child JVM, or a given bootstrap), RabbitMQ, NATS and ZeroMQ (brokerless, in this JVM); and {@code PeerTools}, which runs those tools for
 * {@code sluice-perf parity}.
 */
package io.sluice.benchmarks.perf.targets.peers;
