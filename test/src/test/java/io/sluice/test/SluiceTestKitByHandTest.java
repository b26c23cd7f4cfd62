package io.sluice.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.admin.TopicSpec;
import io.sluice.errors.ClosedException;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** A kit made without the extension ({@code SluiceTestKit.embedded}, {@code withNode}), closed by its owner. */
class SluiceTestKitByHandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void withNodeServesItsTopicsToItsClientAndCloseClosesEverything() {
        SluiceTestKit kit = SluiceTestKit.withNode(TopicSpec.of("orders").partitions(2));
        try (kit) {
            assertThat(kit.hasNode()).isTrue();
            kit.sluice().producer(ProducerOptions.create())
                    .send(OutboundMessage.of("orders", "k", "v".getBytes(StandardCharsets.UTF_8), 1)).block(TIMEOUT);
            StepVerifier.create(kit.records("orders").map(Record::valueAsString)).expectNext("v").expectComplete().verify(TIMEOUT);
        }

        StepVerifier.create(kit.engine().admin().listTopics()).expectError(ClosedException.class).verify(TIMEOUT);
        assertThatThrownBy(() -> kit.client().producer(ProducerOptions.create())).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> kit.connect(kit.clientOptions())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        kit.close(); // again: nothing happens
    }

    @Test
    void embeddedHasItsTopicsAndNoNode() {
        try (SluiceTestKit kit = SluiceTestKit.embedded(TopicSpec.of("a"), TopicSpec.of("b").partitions(3))) {
            assertThat(kit.sluice()).isSameAs(kit.engine());
            assertThat(kit.engine().admin().describeTopic("b").block(TIMEOUT).partitions()).hasSize(3);
            assertThatThrownBy(kit::address).isInstanceOf(IllegalStateException.class)
                    .hasMessage("address() needs a node: annotate the test class @SluiceTest(node = true)"
                            + " (or make the kit with SluiceTestKit.withNode())");
        }
    }
}
