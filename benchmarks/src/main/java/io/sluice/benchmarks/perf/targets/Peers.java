package io.sluice.benchmarks.perf.targets;

import java.net.URI;

/**
 * Where the peers the tool compares with live ({@code --amqp}, ...), and a Sluice node ({@code --node}).
 *
 * @param amqp RabbitMQ's AMQP URI, e.g. {@code amqp://guest:guest@127.0.0.1:5672}
 * @param nats the NATS server's URL, e.g. {@code nats://127.0.0.1:4222}
 * @param bootstrap an existing Kafka's bootstrap servers ({@code host:port[,...]}), or null: the kafka and
 *                  sluice-kafka targets each start a broker of their own
 * @param postgres  PostgreSQL's R2DBC URL for {@code sluice-postgres} and {@code postgres-rows}
 * @param node      an existing Sluice node's {@code host:port}, or null: the sluice-tcp target starts a node of its own
 */
public record Peers(URI amqp, URI nats, String bootstrap, String postgres, String node) {
    public static final String DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672";
    public static final String DEFAULT_NATS = "nats://127.0.0.1:4222";
    /** PostgreSQL on this machine: database {@code test}, trust authentication. */
    public static final String DEFAULT_POSTGRES = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";

    /** Peers without a Kafka address: the kafka target starts its own broker. */
    public Peers(URI amqp, URI nats) {
        this(amqp, nats, null, DEFAULT_POSTGRES, null);
    }

    /** These peers with Kafka at {@code bootstrap} ({@code host:port[,...]}). */
    public Peers withBootstrap(String bootstrap) {
        return new Peers(amqp, nats, bootstrap, postgres, node);
    }

    /** These peers with a Sluice node at {@code node} ({@code host:port}). */
    public Peers withNode(String node) {
        return new Peers(amqp, nats, bootstrap, postgres, node);
    }

    public static Peers defaults() {
        return new Peers(URI.create(DEFAULT_AMQP), URI.create(DEFAULT_NATS));
    }
}
