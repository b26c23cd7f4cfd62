package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadBalancingTest {
    @Test
    void eachPartitionerAndAssignorSpreadsAsDocumented() {
        ExampleRun run = ExampleRun.of("load-balancing", "--records", "2400", "--keys", "50");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.summary())
                .containsEntry("records per partition, roundRobin", "600 600 600 600")
                .containsEntry("records per partition, weighted", "960 720 480 240")
                .containsEntry("keyHash kept every key on one partition", "yes")
                .containsEntry("partitions per member, weighted", "3 3 6")
                .containsEntry("partitions per member, roundRobin", "4 4 4")
                .containsEntry("every assignor's group received every record once", "yes");
    }
}
