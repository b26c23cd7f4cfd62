package io.sluice.spring.boot.internal;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * UP or DOWN as {@link SluiceConnection#problem} says, within {@link #TIMEOUT}; details: {@code mode}, {@code target}
 * (the store, the node's address or the bootstrap servers) and, when DOWN, {@code error}.
 */
public final class SluiceHealthIndicator implements ReactiveHealthIndicator {
    /** How long a probe may take before the indicator reports DOWN. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final SluiceConnection connection;

    public SluiceHealthIndicator(SluiceConnection connection) {
        this.connection = connection;
    }

    @Override
    public Mono<Health> health() {
        return connection.problem(TIMEOUT)
                .map(error -> details(Health.down()).withDetail("error", error).build())
                .switchIfEmpty(Mono.fromSupplier(() -> details(Health.up()).build()));
    }

    private Health.Builder details(Health.Builder builder) {
        return builder.withDetail("mode", connection.mode().text()).withDetail("target", connection.target());
    }
}
