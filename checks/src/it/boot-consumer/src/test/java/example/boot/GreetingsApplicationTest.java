package example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.StartPosition;
import io.sluice.serde.Serdes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
class GreetingsApplicationTest {
    @Autowired
    Sluice sluice;
    @Autowired
    GreetingsApplication.Greeter greeter;

    @Test
    void startsSendsAndReceives() {
        greeter.createTopic().block(Duration.ofSeconds(10));

        assertThat(greeter.greet("ada", "grace", "linus").block(Duration.ofSeconds(10))).isEqualTo(3);
        assertThat(sluice.consumer(ConsumerOptions.create("readers").topics("greetings").startPosition(StartPosition.earliest()))
                .receiveAutoAck().take(3).map(r -> r.value(Serdes.string())).collectList().block(Duration.ofSeconds(30)))
                .containsExactlyInAnyOrder("hello ada", "hello grace", "hello linus");
    }
}
