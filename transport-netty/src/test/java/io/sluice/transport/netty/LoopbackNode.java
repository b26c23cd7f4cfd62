package io.sluice.transport.netty;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.Admin;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.util.function.UnaryOperator;

/**
 * A node on loopback for tests: an in-memory engine served by a {@link SluiceServer} on a free port, and a
 * {@link NettySluice} connected to it. Engine and client share one meter registry, so the contract tests read the
 * engine's meters (backlog, drops) through the client's {@code meterRegistry()}. Closing the client closes all three.
 */
final class LoopbackNode implements Sluice {
    final Sluice engine;
    final SluiceServer server;
    final NettySluice client;
    private final MeterRegistry registry = new SimpleMeterRegistry();

    LoopbackNode(UnaryOperator<ServerOptions> server, UnaryOperator<ClientOptions> client) {
        this.engine = Sluice.embedded(EngineOptions.create().meterRegistry(registry).name("loopback"));
        this.server = SluiceServer.start(engine, server.apply(ServerOptions.create().port(0)));
        try {
            this.client = NettySluice.connect(client.apply(ClientOptions.create().address("127.0.0.1", this.server.port())
                    .meterRegistry(registry)));
        } catch (RuntimeException e) {
            this.server.close();
            engine.close();
            throw e;
        }
    }

    LoopbackNode() {
        this(s -> s, c -> c);
    }

    @Override
    public Admin admin() {
        return client.admin();
    }

    @Override
    public Producer producer(ProducerOptions options) {
        return client.producer(options);
    }

    @Override
    public Consumer consumer(ConsumerOptions options) {
        return client.consumer(options);
    }

    @Override
    public MeterRegistry meterRegistry() {
        return registry;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
            engine.close();
        }
    }
}
