package io.sluice.spring.boot;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.Acks;
import io.sluice.producer.ProducerOptions;
import io.sluice.testing.Messages;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice.mode=embedded} (the default): an engine in the application, on the store {@code sluice.store} names. */
class EmbeddedModeTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class));

    @Test
    void withoutPropertiesAnEngineInMemorySendsAndReceives() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(Sluice.class);
            sendAndReceive(context.getBean(Sluice.class), "orders", 100);
        });
    }

    @Test
    void anH2DirectoryStoreSendsAndReceivesAndKeepsTheRecords(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        runner.withPropertyValues("sluice.mode=embedded", "sluice.store=h2:" + dir).run(context -> {
            assertThat(context).hasNotFailed();
            sendAndReceive(context.getBean(Sluice.class), "orders", 100);
        });
        assertThat(dir.resolve("sluice.mv.db")).isRegularFile();
        // the second application finds the first one's topic and records in the file
        runner.withPropertyValues("sluice.store=h2:" + dir).run(context -> StepVerifier.create(context.getBean(Sluice.class)
                        .admin().describeTopic("orders"))
                .assertNext(t -> assertThat(t.partitions().stream().mapToLong(p -> p.endOffset()).sum()).isEqualTo(100))
                .expectComplete()
                .verify(TIMEOUT));
    }

    /** Creates {@code topic}, sends {@code count} records with acks STORED, and receives them all in a group. */
    static void sendAndReceive(Sluice sluice, String topic, int count) {
        StepVerifier.create(sluice.admin().createTopic(TopicSpec.of(topic).partitions(2))).expectComplete().verify(TIMEOUT);
        StepVerifier.create(sluice.producer(ProducerOptions.create().acks(Acks.STORED))
                        .send(Messages.sequence(topic, count, i -> "k" + i % 7)))
                .expectNextCount(count)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(sluice.consumer(ConsumerOptions.create("readers").topics(topic)).receiveAutoAck().take(count))
                .expectNextCount(count)
                .expectComplete()
                .verify(TIMEOUT);
    }
}
