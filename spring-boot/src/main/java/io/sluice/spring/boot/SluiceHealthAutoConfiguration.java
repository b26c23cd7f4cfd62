package io.sluice.spring.boot;

import io.sluice.Sluice;
import io.sluice.spring.boot.internal.SluiceConnection;
import io.sluice.spring.boot.internal.SluiceHealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code sluice} health indicator ({@code /actuator/health/sluice}) when the application has Boot's health support
 * (Actuator): UP while the embedded engine's store answers a read, the node connection is up, or the Kafka cluster
 * answers; DOWN with the reason otherwise. Reactive, so it never blocks a WebFlux (Netty) thread; Boot adapts it
 * for a servlet application. Turned off with {@code management.health.sluice.enabled=false}.
 */
@AutoConfiguration(after = SluiceAutoConfiguration.class)
@ConditionalOnClass(ReactiveHealthIndicator.class)
@ConditionalOnBean(Sluice.class)
public class SluiceHealthAutoConfiguration {
    /**
     * Nested, so that its condition (a class of spring-boot-health) is only read once the outer class's
     * {@code @ConditionalOnClass} has found spring-boot-health.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("sluice")
    static class Indicator {
        /** Named {@code sluiceHealthIndicator}, so Boot shows it as {@code sluice}. */
        @Bean
        @ConditionalOnMissingBean(name = "sluiceHealthIndicator")
        ReactiveHealthIndicator sluiceHealthIndicator(Sluice sluice, ObjectProvider<SluiceConnection> connection) {
            SluiceConnection c = connection.getIfAvailable();
            return new SluiceHealthIndicator(c != null && c.sluice() == sluice ? c : SluiceConnection.of(sluice));
        }
    }
}
