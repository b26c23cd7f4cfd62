package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderServiceTest {
    @Test
    void everyRequestIsAnsweredExceptTheIgnoredOnesWhichTimeOut() {
        // a timeout well above any real reply's latency (on a busy machine too), so only the ignored orders time out
        ExampleRun run = ExampleRun.of("order-service", "--records", "200", "--unanswered-every", "20",
                "--stock", "15", "--in-flight", "16", "--timeout-ms", "5000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("requests")).isEqualTo(200);
        assertThat(run.number("timed out")).as(run.toString()).isEqualTo(10);
        assertThat(run.number("expected timed out")).isEqualTo(10);
        assertThat(run.number("ignored by inventory")).isEqualTo(10);
        assertThat(run.number("answered")).as(run.toString()).isEqualTo(190);
        // order i asks for item i % 10, unless it is discontinued (i = 19, 39, ...: those would have asked for item-9),
        // so items 0-8 get 20 orders and item-9 10; with 15 units each, 9 x 15 + 10 are reserved and 9 x 5 are not
        assertThat(run.number("reserved")).isEqualTo(145);
        assertThat(run.number("out of stock")).isEqualTo(45);
        assertThat(run.number("late replies")).isZero();
        assertThat(run.summary()).containsEntry("every request answered or timed out", "yes")
                .containsEntry("timed out exactly the ignored ones", "yes");
        assertThat(run.output()).contains("TimeoutException");
    }

    @Test
    void withoutIgnoredOrdersNothingTimesOut() {
        ExampleRun run = ExampleRun.of("order-service", "--records", "100", "--unanswered-every", "0",
                "--timeout-ms", "10000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("answered")).isEqualTo(100);
        assertThat(run.number("timed out")).isZero();
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
