package io.sluice.spring.boot;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.GroupDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.Acks;
import io.sluice.producer.ProducerOptions;
import io.sluice.store.r2dbc.R2dbcStore;
import io.sluice.store.r2dbc.StoreSpec;
import io.sluice.testing.Messages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/** Closing the application context closes the Sluice gracefully: what consumers acknowledged is committed. */
class ShutdownTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aConsumersAcknowledgedRecordsAreCommittedWhenTheContextCloses(@TempDir Path tmp) throws InterruptedException {
        Path dir = tmp.resolve("data");
        CountDownLatch acknowledged = new CountDownLatch(50);
        Disposable[] subscription = new Disposable[1];
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withPropertyValues("sluice.store=h2:" + dir)
                .run(context -> {
                    Sluice sluice = context.getBean(Sluice.class);
                    StepVerifier.create(sluice.admin().createTopic(TopicSpec.of("orders").partitions(2))).expectComplete().verify(TIMEOUT);
                    StepVerifier.create(sluice.producer(ProducerOptions.create().acks(Acks.STORED))
                                    .send(Messages.sequence("orders", 50, i -> "k" + i)))
                            .expectNextCount(50).expectComplete().verify(TIMEOUT);
                    // commits only when it closes (no interval within the test), so only a graceful close stores them
                    subscription[0] = sluice.consumer(ConsumerOptions.create("billing").topics("orders").commitInterval(Duration.ofHours(1)))
                            .receive()
                            .subscribe(d -> {
                                d.ack();
                                acknowledged.countDown();
                            }, e -> { });
                    assertThat(acknowledged.await(30, TimeUnit.SECONDS)).as("50 records acknowledged").isTrue();
                });
        // the context has closed; the consumer was still subscribed, and ended with the Sluice
        assertThat(subscription[0].isDisposed()).isTrue();

        try (Sluice reopened = Sluice.embedded(EngineOptions.create().store(R2dbcStore.h2File(dir.resolve(StoreSpec.H2_FILE))))) {
            StepVerifier.create(reopened.admin().describeGroup("billing"))
                    .assertNext(g -> {
                        assertThat(g.partitions().stream().mapToLong(GroupDescription.PartitionLag::committedOffset).sum())
                                .as("committed offsets of billing").isEqualTo(50);
                        assertThat(g.totalLag()).isZero();
                    })
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }
}
