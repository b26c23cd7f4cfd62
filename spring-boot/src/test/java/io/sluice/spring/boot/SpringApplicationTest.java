package io.sluice.spring.boot;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.errors.TopicExistsException;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.producer.SendResult;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A whole Spring Boot application, as a user writes it: auto-configuration found through
 * {@code META-INF/spring/...AutoConfiguration.imports}, the Sluice bean injected into the application's own bean.
 */
class SpringApplicationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class OrdersApplication {
        @Bean
        Orders orders(Sluice sluice) {
            return new Orders(sluice);
        }
    }

    /** The application's code: it takes the one Sluice bean, whatever sluice.mode made it. */
    static class Orders {
        private final Sluice sluice;
        private final Producer producer;

        Orders(Sluice sluice) {
            this.sluice = sluice;
            sluice.admin().createTopic(TopicSpec.of("orders").partitions(4))
                    .onErrorResume(TopicExistsException.class, e -> Mono.empty())
                    .block(Duration.ofSeconds(30));                       // at start-up, on the starting thread
            this.producer = sluice.producer(ProducerOptions.create().acks(Acks.STORED));
        }

        Mono<SendResult<String>> place(String customer, String order) {
            return producer.send(OutboundMessage.of("orders", customer, order.getBytes(StandardCharsets.UTF_8), order));
        }

        Flux<Record> billing() {
            return sluice.consumer(ConsumerOptions.create("billing").topics("orders")).receiveAutoAck();
        }
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(OrdersApplication.class).web(WebApplicationType.NONE).properties(properties).run();
    }

    @Test
    void theAutoConfigurationIsFoundAndTheApplicationSendsAndReceives(@TempDir Path tmp) {
        try (ConfigurableApplicationContext context = start("sluice.store=h2:" + tmp.resolve("data"))) {
            Orders orders = context.getBean(Orders.class);
            StepVerifier.create(Flux.range(0, 20).concatMap(i -> orders.place("customer-" + i % 3, "order-" + i)))
                    .expectNextCount(20)
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(orders.billing().take(20))
                    .expectNextCount(20)
                    .expectComplete()
                    .verify(TIMEOUT);
            assertThat(context.getBeanNamesForType(Sluice.class)).containsExactly("sluice");
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aBadPropertyStopsTheApplicationWithBootsReportNamingIt(CapturedOutput output) {
        Throwable failure = catchThrowable(() -> start("sluice.mode=node", "sluice.node.address=localhost"));
        assertThat(failure).isNotNull();
        // the report Boot prints, from SluiceFailureAnalyzer (registered in META-INF/spring.factories)
        assertThat(output.toString()).contains("APPLICATION FAILED TO START", "Description:",
                "Sluice could not start: the property 'sluice.node.address' has the value 'localhost'.",
                "Reason: not host:port", "Action:", "Set sluice.node.address to a valid value");
    }
}
