package io.sluice.spring.boot;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * This module's tests run on JUnit 6 (Spring's test support needs it; the other modules are on JUnit 5): BlockHound's
 * JUnit Platform listener still installs it here, so a blocking call on a non-blocking thread fails these tests too.
 */
class BlockHoundOnJUnit6Test {
    @Test
    void aBlockingCallOnAReactorParallelThreadFails() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                }).subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class))
                .verify(Duration.ofSeconds(30));
    }
}
