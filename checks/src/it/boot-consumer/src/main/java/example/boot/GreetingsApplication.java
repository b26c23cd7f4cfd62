package example.boot;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.serde.Serdes;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The smallest application on the starter: the Sluice bean comes from sluice.* properties (none: embedded, in memory). */
@SpringBootApplication
public class GreetingsApplication {
    public static void main(String[] args) {
        SpringApplication.run(GreetingsApplication.class, args);
    }

    /** Sends greetings to the {@code greetings} topic. */
    @Service
    public static class Greeter {
        private final Sluice sluice;

        public Greeter(Sluice sluice) {
            this.sluice = sluice;
        }

        public Mono<Void> createTopic() {
            return sluice.admin().createTopic(TopicSpec.of("greetings").partitions(2));
        }

        public Mono<Long> greet(String... names) {
            return sluice.producer(ProducerOptions.create())
                    .send(Flux.fromArray(names).map(n -> OutboundMessage.of("greetings", n, "hello " + n, Serdes.string(), n)))
                    .count();
        }
    }
}
