package io.sluice.transport.netty;

import io.sluice.Sluice;
import io.sluice.contract.SluiceContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The core's contract, unchanged, against {@link NettySluice} talking to a {@link SluiceServer} over TLS. */
class TlsContractTest extends SluiceContractTest {
    @TempDir
    static Path certificates;
    private static TestCertificates node;

    @BeforeAll
    static void makeCertificate() {
        node = TestCertificates.generate(certificates, "node");
    }

    @Override
    protected Sluice newSluice() {
        return new LoopbackNode(s -> s.tls(node.server()), c -> c.tls(node.client()));
    }
}
