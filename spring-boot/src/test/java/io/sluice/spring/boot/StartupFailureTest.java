package io.sluice.spring.boot;

import io.sluice.kafka.KafkaSluice;
import io.sluice.spring.boot.internal.SluiceFailureAnalyzer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import static org.assertj.core.api.Assertions.assertThat;

/** A bad {@code sluice.*} property fails start-up, and Boot's report names the property and its value. */
class StartupFailureTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class));

    /** Starts with {@code properties}, expects start-up to fail, and returns Sluice's analysis of the failure. */
    private FailureAnalysis failure(ApplicationContextRunner runner, String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new SluiceFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("Sluice's failure analysis").isNotNull();
        return analysis[0];
    }

    private FailureAnalysis failure(String... properties) {
        return failure(runner, properties);
    }

    @Test
    void anUnknownMode() {
        FailureAnalysis a = failure("sluice.mode=cluster");
        assertThat(a.getDescription()).contains("'sluice.mode'", "'cluster'", "embedded, node, kafka");
        assertThat(a.getAction()).contains("sluice.mode");
    }

    @Test
    void anUnknownStore() {
        FailureAnalysis a = failure("sluice.store=h2");
        assertThat(a.getDescription()).contains("'sluice.store'", "'h2'", "unknown store");
        assertThat(a.getAction()).contains("memory, h2:<dir>, h2mem, r2dbc:postgresql://user@host:5432/db");
    }

    @Test
    void aStoreURLsPasswordIsNeverShown() {
        FailureAnalysis a = failure("sluice.store=r2dbc:postgresql://bob:hunter2@/sluice");
        assertThat(a.getDescription()).contains("'sluice.store'", "bob:***@").doesNotContain("hunter2");
        assertThat(a.getAction()).doesNotContain("hunter2");
    }

    @Test
    void anH2DirectoryThatCannotBeMade(@TempDir Path tmp) throws IOException {
        Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
        FailureAnalysis a = failure("sluice.store=h2:" + file.resolve("data"));
        assertThat(a.getDescription()).contains("'sluice.store'", "'h2:" + file.resolve("data"), "could not be opened");
    }

    @Test
    void aNodeAddressThatIsNotHostPort() {
        assertThat(failure("sluice.mode=node", "sluice.node.address=localhost").getDescription())
                .contains("'sluice.node.address'", "'localhost'", "host:port");
        assertThat(failure("sluice.mode=node", "sluice.node.address=localhost:70000").getDescription())
                .contains("'sluice.node.address'", "'localhost:70000'", "1..65535");
        assertThat(failure("sluice.mode=node", "sluice.node.address=::1:7420").getDescription())
                .contains("'sluice.node.address'", "brackets");
    }

    @Test
    void aNodeThatDoesNotAnswer() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FailureAnalysis a = failure("sluice.mode=node", "sluice.node.address=127.0.0.1:" + port, "sluice.node.connect-timeout=1s");
        assertThat(a.getDescription()).contains("'sluice.node.address'", "'127.0.0.1:" + port + "'", "no Sluice node answered");
        assertThat(a.getAction()).contains("Start the node");
    }

    @Test
    void aTrustCertificateThatIsNotThere(@TempDir Path tmp) {
        String missing = tmp.resolve("node.pem").toString();
        assertThat(failure("sluice.mode=node", "sluice.node.tls.enabled=true", "sluice.node.tls.trust-certificate=" + missing)
                .getDescription()).contains("'sluice.node.tls.trust-certificate'", missing, "no such file");
        assertThat(failure("sluice.mode=node", "sluice.node.tls.trust-certificate=" + missing).getDescription())
                .contains("'sluice.node.tls.enabled'", "TLS is off");
    }

    @Test
    void kafkaModeWithoutBootstrapServers() {
        FailureAnalysis a = failure("sluice.mode=kafka");
        assertThat(a.getDescription()).contains("'sluice.kafka.bootstrap-servers'", "is not set");
        assertThat(failure("sluice.mode=kafka", "sluice.kafka.bootstrap-servers=broker").getDescription())
                .contains("'sluice.kafka.bootstrap-servers'", "'broker'", "host:port");
    }

    @Test
    void aKafkaClusterThatDoesNotAnswer() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FailureAnalysis a = failure("sluice.mode=kafka", "sluice.kafka.bootstrap-servers=127.0.0.1:" + port,
                "sluice.kafka.request-timeout=2s");
        assertThat(a.getDescription()).contains("'sluice.kafka.bootstrap-servers'", "'127.0.0.1:" + port + "'", "did not answer");
    }

    @Test
    void aKafkaPropertyThatSluiceSetsItself() {
        FailureAnalysis a = failure("sluice.mode=kafka", "sluice.kafka.bootstrap-servers=127.0.0.1:9",
                "sluice.kafka.properties.group.id=billing");
        assertThat(a.getDescription()).contains("'sluice.kafka.properties.group.id'", "ConsumerOptions.create(group)");
    }

    @Test
    void kafkaModeWithoutSluiceKafkaOnTheClasspath() {
        FailureAnalysis a = failure(runner.withClassLoader(new FilteredClassLoader(KafkaSluice.class)),
                "sluice.mode=kafka", "sluice.kafka.bootstrap-servers=127.0.0.1:9092");
        assertThat(a.getDescription()).contains("'sluice.mode'", "'kafka'", "sluice-kafka is not on the classpath");
        assertThat(a.getAction()).contains("io.sluice:sluice-kafka");
    }

    @Test
    void theAnalyzerIsRegisteredWithBoot() {
        // Boot's own analyzers take constructor arguments that only a running application passes: skipped here
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> { }));
        assertThat(analyzers).hasAtLeastOneElementOfType(SluiceFailureAnalyzer.class);
    }
}
