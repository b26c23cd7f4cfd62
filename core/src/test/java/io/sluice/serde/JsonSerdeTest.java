package io.sluice.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.sluice.errors.DeserializationException;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {
    /** A small record class, as applications send them. */
    record Order(String id, long totalCents, List<String> items) {
    }

    private final Serde<Order> json = JsonSerde.of(Order.class);

    @Test
    void aRecordClassRoundTripsAsJson() {
        Order order = new Order("o-1", 12_345, List.of("tea", "Brötchen"));
        byte[] bytes = json.serialize("orders", Headers.empty(), order);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"o-1\",\"totalCents\":12345,\"items\":[\"tea\",\"Brötchen\"]}");
        assertThat(json.deserialize("orders", Headers.empty(), bytes)).isEqualTo(order);
        assertThat(json.serialize("orders", Headers.empty(), null)).isNull();
        assertThat(json.deserialize("orders", Headers.empty(), null)).isNull();
    }

    @Test
    void aGivenMapperAndAGenericTypeAreUsed() {
        ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        Serde<List<Order>> orders = JsonSerde.of(new TypeReference<List<Order>>() { }, snake);
        List<Order> list = List.of(new Order("a", 1, List.of()), new Order("b", 2, List.of("x")));
        byte[] bytes = orders.serialize("orders", Headers.empty(), list);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"total_cents\":1");
        assertThat(orders.deserialize("orders", Headers.empty(), bytes)).isEqualTo(list);
    }

    @Test
    void bytesThatAreNotJsonOfTheTypeAreAnErrorNamingTheRecordWithJacksonsAsTheCause() {
        Record notJson = Record.of("orders", 1, 9, 0, null, "{\"id\": oops".getBytes(StandardCharsets.UTF_8), null);
        assertThatThrownBy(() -> notJson.value(json))
                .isInstanceOf(DeserializationException.class)
                .hasMessageStartingWith("cannot deserialize the value of record orders-1@9 with JsonSerde.of("
                        + Order.class.getName() + "): not JSON of " + Order.class.getName() + ": Unrecognized token 'oops'")
                .cause().isInstanceOf(IllegalArgumentException.class)
                .cause().isInstanceOf(JsonProcessingException.class);

        Record wrongShape = Record.of("orders", 1, 10, 0, null, "[1, 2]".getBytes(StandardCharsets.UTF_8), null);
        assertThatThrownBy(() -> wrongShape.value(json))
                .isInstanceOf(DeserializationException.class)
                .hasMessageContaining("orders-1@10")
                .hasRootCauseInstanceOf(JsonProcessingException.class);

        Record empty = Record.of("orders", 1, 11, 0, null, new byte[0], null);
        assertThatThrownBy(() -> empty.value(json)).isInstanceOf(DeserializationException.class)
                .hasMessageContaining("No content to map due to end-of-input");
    }

    @Test
    void aValueJacksonCannotWriteIsAnErrorNamingItsTypeAndTopic() {
        Serde<Object> any = JsonSerde.of(Object.class);
        assertThatThrownBy(() -> any.serialize("orders", Headers.empty(), new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot write a java.lang.Object as JSON of java.lang.Object for topic orders: ")
                .hasCauseInstanceOf(JsonProcessingException.class);
    }
}
