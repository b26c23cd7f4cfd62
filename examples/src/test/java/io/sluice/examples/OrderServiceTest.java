package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderServiceTest {
    @Test
    void everyRequestIsAnsweredExceptTheIgnoredOnesWhichTimeOutAndTheMalformedOnesWhichFail() {
        // a timeout well above any real reply's latency (on a busy machine too), so only the ignored orders time out
        ExampleRun run = ExampleRun.of("order-service", "--records", "200", "--unanswered-every", "20",
                "--malformed-every", "30", "--stock", "15", "--in-flight", "16", "--timeout-ms", "5000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("requests")).isEqualTo(200);
        assertThat(run.number("timed out")).as(run.toString()).isEqualTo(10);
        assertThat(run.number("expected timed out")).isEqualTo(10);
        assertThat(run.number("ignored by inventory")).isEqualTo(10);
        // orders 30, 90 and 150 (i = 29, 89, 149) are malformed; 60, 120 and 180 are discontinued ones
        assertThat(run.number("malformed")).isEqualTo(3);
        assertThat(run.number("failed handler attempts")).as(run.toString()).isEqualTo(3 * (OrderService.RETRIES + 1));
        assertThat(run.number("dead-lettered")).as(run.toString()).isEqualTo(3);
        assertThat(run.number("failed with the handler's error")).as(run.toString()).isEqualTo(3);
        assertThat(run.number("answered")).as(run.toString()).isEqualTo(187);
        // order i asks for item i % 10, unless it is discontinued (i = 19, 39, ...) or malformed (i = 29, 89, 149): those
        // would have asked for item-9, so items 0-8 get 20 orders and item-9 7; with 15 units each, 9 x 15 + 7 are
        // reserved and 9 x 5 are not
        assertThat(run.number("reserved")).isEqualTo(142);
        assertThat(run.number("out of stock")).isEqualTo(45);
        assertThat(run.number("late replies")).isZero();
        assertThat(run.summary()).containsEntry("answered + timed out + failed == requests", "yes")
                .containsEntry("timed out exactly the ignored ones", "yes")
                .containsEntry("every malformed order dead-lettered after its retries, its caller failed (not timed out)",
                        "yes");
        assertThat(run.output()).contains("TimeoutException").contains("dead-lettered after 3 attempts: "
                + "java.lang.IllegalArgumentException: malformed order 'one x item-9'");
    }

    @Test
    void withoutIgnoredOrMalformedOrdersNothingTimesOutOrFails() {
        ExampleRun run = ExampleRun.of("order-service", "--records", "100", "--unanswered-every", "0",
                "--malformed-every", "0", "--timeout-ms", "10000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("answered")).isEqualTo(100);
        assertThat(run.number("timed out")).isZero();
        assertThat(run.number("dead-lettered")).isZero();
        assertThat(run.number("failed with the handler's error")).isZero();
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Example.percentile(sorted, 50)).isEqualTo(5);
        assertThat(Example.percentile(sorted, 99)).isEqualTo(10);
        assertThat(Example.percentile(new long[] {7}, 50)).isEqualTo(7);
        assertThat(Example.percentile(new long[0], 99)).isZero();
    }
}
