package io.sluice.spring.boot;

import io.netty.handler.ssl.SslContextBuilder;
import io.sluice.Sluice;
import io.sluice.spring.boot.internal.SluiceFailureAnalyzer;
import io.sluice.transport.netty.Access;
import io.sluice.transport.netty.ServerOptions;
import io.sluice.transport.netty.SluiceServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterEach;
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
 * (made by the JDK's keytool for this run) and requires a token.
 */
class NodeTlsAndTokenTest {
    private static final String PASSWORD = "sluice-test";

    @TempDir
    Path tmp;
    private Path pem;
    private Sluice engine;
    private SluiceServer node;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SluiceAutoConfiguration.class));

    @BeforeEach
    void startNode() throws Exception {
        Path store = tmp.resolve("node.p12");
        pem = tmp.resolve("node.pem");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost, O=Sluice tests",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt");
        keytool("-exportcert", "-rfc", "-alias", "node", "-keystore", store.toString(), "-storepass", PASSWORD, "-file", pem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(ks, PASSWORD.toCharArray());
        engine = Sluice.embedded();
        node = SluiceServer.start(engine, ServerOptions.create().port(0).tls(SslContextBuilder.forServer(keys).build())
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

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool did not finish within 60 s");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
