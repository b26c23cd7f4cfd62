package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConcurrencyExampleTest {
    private static final String[] RUNS = {
        "single-threaded PER_PARTITION",
        "multi-threaded PER_PARTITION", "multi-threaded PER_KEY", "multi-threaded UNORDERED",
        "asynchronous PER_PARTITION", "asynchronous PER_KEY", "asynchronous UNORDERED"};

    @Test
    void everyHandlerStyleProcessesEveryRecordOnceAndKeepsOrderWhereItsOrderingPromisesIt() {
        ExampleRun run = ExampleRun.of("concurrency", "--records", "2000", "--keys", "20");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("records")).as(run.toString()).isEqualTo(2000);
        assertThat(run.number("runs")).as(run.toString()).isEqualTo(RUNS.length);
        assertThat(run.summary()).as(run.toString())
                .containsEntry("per-key order held under PER_PARTITION and PER_KEY", "yes")
                .containsEntry("every record processed exactly once in every run", "yes");
        for (String name : RUNS) {
            assertThat(run.number(name)).as(name + " records/s in\n" + run).isPositive();
            if (!name.endsWith("UNORDERED")) {
                assertThat(run.summary().get(name)).as(run.toString()).endsWith("per-key order held");
            }
        }
        assertThat(run.output()).contains("handler", "records/s", "per-key order");
    }

    @Test
    void aBadOptionIsRefusedWithItsName() {
        ExampleRun run = ExampleRun.of("concurrency", "--records", "many");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).contains("--records");
    }
}
