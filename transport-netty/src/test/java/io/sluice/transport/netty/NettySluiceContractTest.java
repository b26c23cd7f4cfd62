package io.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.contract.SluiceContractTest;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The core's contract, unchanged, against {@link NettySluice} talking to a {@link SluiceServer} over loopback TCP. */
class NettySluiceContractTest extends SluiceContractTest {
    @Override
    protected Sluice newSluice() {
        return new LoopbackNode();
    }

    /** Topic settings are Kafka's topic configs: a node has none, and the client says so before sending anything. */
    @Test
    void topicSettingsAreRefusedNamingThem() {
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of("kafkaesque").setting("replication.factor", "3")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("a Sluice node has no topic settings").hasMessageContaining("replication.factor"))
                .verify(TIMEOUT);
    }
}
