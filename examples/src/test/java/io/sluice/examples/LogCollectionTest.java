package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogCollectionTest {
    @Test
    void aCollectorSlowerThanTheServicesDropsTheOldestLinesAndCountsEveryOne() {
        // 200,000 lines (4 x 100,000 a second) against a collector of 5,000 lines/s and a ring of 2 x 1,000 lines
        ExampleRun run = ExampleRun.of("log-collection", "--producers", "4", "--rate", "100000", "--records", "200000",
                "--partitions", "2", "--max-backlog", "1000", "--consumer-rate", "5000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("sent")).isEqualTo(200_000);
        assertThat(run.number("dropped")).as(run.toString()).isPositive();
        assertThat(run.number("received")).as(run.toString()).isPositive();
        assertThat(run.number("received") + run.number("dropped")).isEqualTo(200_000);
        assertThat(run.number("DEBUG") + run.number("INFO") + run.number("WARN") + run.number("ERROR"))
                .isEqualTo(run.number("received"));
        assertThat(run.number("ERROR")).isPositive();
        assertThat(run.summary()).containsEntry("received + dropped == sent", "yes").containsEntry("levels sum to received", "yes");
    }

    @Test
    void servicesShipForTheGivenSecondsAndEveryLineIsAccountedFor() {
        // a narrow producer window (one batch in flight per partition, 500 lines per send) still carries every line
        ExampleRun run = ExampleRun.of("log-collection", "--producers", "2", "--rate", "20000", "--seconds", "1",
                "--partitions", "2", "--max-backlog", "5000", "--consumer-rate", "0", "--max-in-flight", "1",
                "--max-pending", "500");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.output()).contains("max in flight 1 batches per partition, max pending 500 lines per send");
        assertThat(run.number("sent")).as(run.toString()).isPositive();
        assertThat(run.number("received") + run.number("dropped")).isEqualTo(run.number("sent"));
        assertThat(run.number("producers")).isEqualTo(2);
    }
}
