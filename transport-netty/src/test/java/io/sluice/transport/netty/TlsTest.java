package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.DisconnectedException;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** A TLS node serves TLS clients that trust its certificate, and no one else; refused clients do not harm it. */
class TlsTest {
    @TempDir
    static Path certificates;
    private static TestCertificates node;
    private static TestCertificates stranger;

    private Sluice engine;
    private SluiceServer server;

    @BeforeAll
    static void makeCertificates() {
        node = TestCertificates.generate(certificates, "node");
        stranger = TestCertificates.generate(certificates, "stranger");
    }

    @BeforeEach
    void startNode() {
        engine = Sluice.embedded(EngineOptions.create().name("tls"));
        server = SluiceServer.start(engine, ServerOptions.create().port(0).tls(node.server()));
    }

    @AfterEach
    void stopNode() {
        server.close();
        engine.close();
    }

    private ClientOptions client() {
        return ClientOptions.create().address("127.0.0.1", server.port()).connectTimeout(Duration.ofSeconds(5));
    }

    @Test
    void aPlainClientCannotConnectToATlsNode() {
        assertThatThrownBy(() -> NettySluice.connect(client()))
                .isInstanceOf(DisconnectedException.class)
                .hasMessageContaining("cannot connect to node 127.0.0.1:" + server.port());
        assertNodeStillServesTrustingClients();
    }

    @Test
    void aTlsClientTrustingAnotherCertificateIsRefused() {
        assertThatThrownBy(() -> NettySluice.connect(client().tls(stranger.client())))
                .isInstanceOf(DisconnectedException.class)
                .hasMessageContaining("cannot connect to node 127.0.0.1:" + server.port())
                .hasMessageContaining("PKIX path") // the node's certificate is not the one this client trusts
                .hasCauseInstanceOf(SSLHandshakeException.class);
        assertNodeStillServesTrustingClients();
    }

    private void assertNodeStillServesTrustingClients() {
        try (NettySluice ok = NettySluice.connect(client().tls(node.client()))) {
            StepVerifier.create(ok.admin().createTopic(TopicSpec.of("after-refusal"))).verifyComplete();
            StepVerifier.create(engine.admin().listTopics()).expectNext("after-refusal").verifyComplete();
        }
    }
}
