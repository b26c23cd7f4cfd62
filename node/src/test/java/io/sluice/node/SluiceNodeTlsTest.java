package io.sluice.node;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.sluice.admin.TopicSpec;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code --tls-cert/--tls-key}: the node serves TLS with PEM files, and a client trusting the certificate talks to it. */
class SluiceNodeTlsTest {
    // The client checks the certificate's name against the host it dials: localhost, the certificate's CN.
    // SelfSignedCertificate is deprecated in Netty 4.2 for netty-pkitesting, which is not a dependency here; it still
    // writes the PEM files this test needs.
    @Test
    @SuppressWarnings("deprecation")
    void aClientTrustingTheCertificateTalksToTheNodeOverTls() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        try (RunningNode node = SluiceNode.parse("--port", "0", "--tls-cert", cert.certificate().toString(),
                        "--tls-key", cert.privateKey().toString()).start();
             NettySluice client = NettySluice.connect(ClientOptions.create().address("localhost", node.port())
                     .tls(SslContextBuilder.forClient().trustManager(cert.certificate()).build()))) {
            StepVerifier.create(client.admin().createTopic(TopicSpec.of("secret"))).expectComplete().verify(Duration.ofSeconds(30));
            assertThat(client.admin().listTopics().collectList().block(Duration.ofSeconds(30))).contains("secret");
        } finally {
            cert.delete();
        }
    }
}
