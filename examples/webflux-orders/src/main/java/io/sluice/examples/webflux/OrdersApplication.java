package io.sluice.examples.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order service on Spring WebFlux and Sluice: {@code POST /orders} publishes, the {@code fulfilment} group
 * processes, {@code GET /orders/{id}} shows the result. The starter makes the {@code Sluice} bean from
 * {@code sluice.*} properties (embedded and in memory here: see {@code application.properties}).
 */
@SpringBootApplication
public class OrdersApplication {
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
