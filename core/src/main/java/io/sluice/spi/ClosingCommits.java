package io.sluice.spi;

import java.time.Duration;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How a {@code Sluice}'s {@code close()} waits for the commits of what its consumers acknowledged, the same
 * embedded and remote: up to {@link #TIMEOUT} on a thread that may block; on a non-blocking thread it only starts
 * them (blocking there is refused). A commit that fails or times out is reported to {@code failed}, never thrown:
 * closing does not throw.
 */
public final class ClosingCommits {
    /** The longest {@code close()} waits for the commits. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ClosingCommits() {
    }

    public static void await(Mono<Void> commits, Consumer<Throwable> failed) {
        if (Schedulers.isInNonBlockingThread()) {
            commits.subscribe(null, failed);
            return;
        }
        try {
            commits.block(TIMEOUT);
        } catch (RuntimeException e) {
            failed.accept(e);
        }
    }
}
