package io.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** BlockHound is installed in every test JVM (blockhound-junit-platform): a blocking call on a non-blocking thread fails. */
class BlockHoundInstalledTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aBlockingCallOnAReactorParallelThreadFailsWithABlockingOperationError() {
        StepVerifier.create(Mono.fromCallable(BlockHoundInstalledTest::sleepOneMillisecond).subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class)
                        .hasMessageContaining("java.lang.Thread.sleep"))
                .verify(TIMEOUT);
        // and the same call on a thread that may block is let through: the error comes from the thread, not the call
        StepVerifier.create(Mono.fromCallable(BlockHoundInstalledTest::sleepOneMillisecond).subscribeOn(Schedulers.boundedElastic()))
                .expectNext("slept")
                .verifyComplete();
    }

    @Test
    void aBlockingCallDownstreamOfReceiveOnAnEmbeddedEnginesThreadFailsWithABlockingOperationError() {
        try (Sluice sluice = Sluice.embedded()) {
            sluice.admin().createTopic(TopicSpec.of("blocking")).block(TIMEOUT);
            sluice.producer(ProducerOptions.create()).send(Messages.sequence("blocking", 1, null)).blockLast(TIMEOUT);
            AtomicReference<String> thread = new AtomicReference<>();
            StepVerifier.create(sluice.consumer(ConsumerOptions.create("blockers").topics("blocking")).receive()
                            .map(d -> {
                                thread.set(Thread.currentThread().getName());
                                return sleepOneMillisecond();
                            }))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class))
                    .verify(TIMEOUT);
            assertThat(thread.get()).as("the engine thread that emitted the record").containsAnyOf("-delivery-", "-send-");
        }
    }

    private static String sleepOneMillisecond() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "slept";
    }
}
