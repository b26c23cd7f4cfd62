package io.sluice.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.Sluice;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/** The application's MeterRegistry receives the meters; an application's own Sluice bean wins. */
class MetersAndBackOffTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class));

    @Test
    void theEnginesMetersAreInTheApplicationsRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Sluice sluice = context.getBean(Sluice.class);
            assertThat(sluice.meterRegistry()).isSameAs(registry);
            EmbeddedModeTest.sendAndReceive(sluice, "orders", 10);
            assertThat(registry.find("sluice.records.in").meters()).isNotEmpty();
            assertThat(registry.find("sluice.records.out").meters()).isNotEmpty();
        });
    }

    @Test
    void withoutARegistryTheEngineKeepsItsOwn() {
        runner.run(context -> assertThat(context.getBean(Sluice.class).meterRegistry()).isNotNull());
    }

    @Test
    void anApplicationsOwnSluiceBeanIsTheOneAndTheHealthIndicatorDescribesIt() {
        runner.withUserConfiguration(OwnSluice.class).withPropertyValues("sluice.store=not-a-store").run(context -> {
            // sluice.store is not even read: the starter made nothing
            assertThat(context).hasNotFailed().hasSingleBean(Sluice.class).hasBean("mySluice");
            assertThat(context.getBean(Sluice.class)).isSameAs(context.getBean(OwnSluice.class).made);
            StepVerifier.create(context.getBean("sluiceHealthIndicator", ReactiveHealthIndicator.class).health())
                    .assertNext(h -> assertThat(h.getStatus()).isEqualTo(Status.UP))
                    .expectComplete()
                    .verify(Duration.ofSeconds(10));
        });
    }

    @Test
    void bootsHealthRegistryHasTheIndicatorAsSluice() {
        runner.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
                        HealthContributorRegistryAutoConfiguration.class))
                .run(context -> {
                    // the name /actuator/health/sluice shows, in the registry of reactive contributors
                    ReactiveHealthContributor sluice = context.getBean(ReactiveHealthContributorRegistry.class).getContributor("sluice");
                    assertThat(sluice).isInstanceOf(ReactiveHealthIndicator.class);
                    StepVerifier.create(((ReactiveHealthIndicator) sluice).health().map(h -> h.getStatus()))
                            .expectNext(Status.UP)
                            .expectComplete()
                            .verify(Duration.ofSeconds(10));
                });
    }

    @Test
    void actuatorsHealthEndpointShowsItAtTheSluicePath() {
        runner.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
                        HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
                .run(context -> {
                    // what a servlet application's /actuator/health/sluice answers (the reactive indicator, adapted)
                    HealthDescriptor sluice = context.getBean(HealthEndpoint.class).healthForPath("sluice");
                    assertThat(sluice).isNotNull();
                    assertThat(sluice.getStatus()).isEqualTo(Status.UP);
                });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() {
        runner.withPropertyValues("management.health.sluice.enabled=false")
                .run(context -> assertThat(context).hasSingleBean(Sluice.class).doesNotHaveBean("sluiceHealthIndicator"));
    }

    @Test
    void withoutBootsHealthSupportTheApplicationStartsWithoutTheIndicator() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Sluice.class).doesNotHaveBean("sluiceHealthIndicator"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnSluice {
        Sluice made;

        @Bean(destroyMethod = "close")
        Sluice mySluice() {
            made = Sluice.embedded();
            return made;
        }
    }
}
