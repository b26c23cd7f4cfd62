package io.sluice.spring.boot;

import io.sluice.Sluice;
import io.sluice.spring.boot.internal.SluiceFailureAnalyzer;
import io.sluice.transport.netty.Access;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import io.sluice.transport.netty.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice.node.tls.*} and {@code sluice.node.token} against a node that speaks TLS with a self-signed certificate
 * (made by the JDK's keytool for this class, transport-netty's {@code TestCertificates}) and requires a token.
 */
class NodeTlsAndTokenTest {
    /** One for the class: keytool takes seconds. */
    private static TestCertificates certificate;
    private static Path pem;

    @TempDir
    Path tmp;
    private Sluice engine;
    private SluiceServer node;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SluiceAutoConfiguration.class));

    @BeforeAll
    static void certificate(@TempDir Path dir) {
        certificate = TestCertificates.generate(dir, "node");
        pem = certificate.writePem(dir.resolve("node.pem"));
    }

    @BeforeEach
    void startNode() {
        engine = Sluice.embedded();
        node = SluiceServer.start(engine, ServerOptions.create().port(0).tls(certificate.server())
                .token("s3cret", Access.all()));
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aClientTrustingTheNodesCertificateWithTheTokenSendsAndReceives() {
        runner.withPropertyValues("sluice.mode=node", "sluice.node.address=localhost:" + node.port(), "sluice.node.token=s3cret",
                "sluice.node.tls.enabled=true", "sluice.node.tls.trust-certificate=" + pem).run(context -> {
                    assertThat(context).hasNotFailed();
                    EmbeddedModeTest.sendAndReceive(context.getBean(Sluice.class), "orders", 20);
                });
    }

    @Test
    void aSpringSslBundleGivesTheTrust() {
        runner.withPropertyValues("spring.ssl.bundle.pem.node.truststore.certificate=file:" + pem,
                "sluice.mode=node", "sluice.node.address=localhost:" + node.port(), "sluice.node.token=s3cret",
                "sluice.node.tls.enabled=true", "sluice.node.tls.bundle=node").run(context -> {
                    assertThat(context).hasNotFailed();
                    EmbeddedModeTest.sendAndReceive(context.getBean(Sluice.class), "orders", 20);
                });
    }

    @Test
    void anSslBundleThatIsNotThereFailsStartUpNamingIt() {
        runner.withPropertyValues("sluice.mode=node", "sluice.node.address=localhost:" + node.port(),
                "sluice.node.tls.enabled=true", "sluice.node.tls.bundle=nodes").run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis a = new SluiceFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(a.getDescription()).contains("'sluice.node.tls.bundle'", "'nodes'", "no such SSL bundle");
                    assertThat(a.getAction()).contains("spring.ssl.bundle.pem.nodes");
                });
    }

    @Test
    void withoutTrustTheNodesSelfSignedCertificateIsRefused() {
        runner.withPropertyValues("sluice.mode=node", "sluice.node.address=localhost:" + node.port(), "sluice.node.token=s3cret",
                "sluice.node.tls.enabled=true", "sluice.node.connect-timeout=2s").run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis a = new SluiceFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(a.getDescription()).contains("'sluice.node.address'", "no Sluice node answered");
                });
    }

    @Test
    void aWrongTokenFailsStartUpNamingTheTokenPropertyWithoutShowingIt() {
        runner.withPropertyValues("sluice.mode=node", "sluice.node.address=localhost:" + node.port(), "sluice.node.token=guess",
                "sluice.node.tls.enabled=true", "sluice.node.tls.trust-certificate=" + pem).run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis a = new SluiceFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(a.getDescription()).contains("'sluice.node.token'", "[hidden]", "refused").doesNotContain("guess");
                });
    }

    @Test
    void aFileThatIsNotACertificateFailsStartUpNamingIt() throws IOException {
        Path notPem = Files.writeString(tmp.resolve("not.pem"), "hello");
        runner.withPropertyValues("sluice.mode=node", "sluice.node.address=localhost:" + node.port(), "sluice.node.token=s3cret",
                "sluice.node.tls.enabled=true", "sluice.node.tls.trust-certificate=" + notPem).run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis a = new SluiceFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(a.getDescription()).contains("'sluice.node.tls.trust-certificate'", notPem.toString());
                });
    }
}
