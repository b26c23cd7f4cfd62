package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NotificationsTest {
    @Test
    void theFastGroupsKeepUpWhileTheSlowOneLagsAndLosesItsOldest() {
        // 1,000 a second for 5 s; audit handles at most 100 a second, the topic keeps 4 x 500 records, dashboard joins
        // after 2 s
        ExampleRun run = ExampleRun.of("notifications", "--seconds", "5", "--rate", "1000", "--max-backlog", "500",
                "--audit-rate", "100");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.number("produced")).isEqualTo(5000);
        for (String fast : new String[] {"push", "email"}) {
            assertThat(run.number(fast + " received")).as(fast).isEqualTo(5000);
            assertThat(run.number(fast + " gaps")).as(fast).isZero();
            assertThat(run.number(fast + " max lag")).as(run.toString()).isLessThan(2000);
        }
        assertThat(run.number("audit received")).as(run.toString()).isLessThan(5000 / 2);
        assertThat(run.number("dropped by the topic")).as(run.toString()).isPositive();
        assertThat(run.number("audit max lag")).as(run.toString()).isGreaterThanOrEqualTo(2000);
        assertThat(run.summary()).containsEntry("no group received a notification twice", "yes");

        // dashboard joins after 2 s with startPosition latest: none of what was there, all that came after
        long before = run.number("produced before dashboard joined");
        assertThat(before).as(run.toString()).isPositive().isLessThan(run.number("produced"));
        assertThat(run.number("dashboard received")).as(run.toString()).isPositive()
                .isLessThanOrEqualTo(run.number("produced") - before);
        assertThat(run.number("dashboard gaps")).as(run.toString()).isZero();
        assertThat(run.summary())
                .containsEntry("dashboard started at or after each partition's end offset when it joined (no history)", "yes")
                .containsEntry("dashboard got every notification produced after it joined", "yes");
        assertThat(run.output()).contains("| dashboard      -/s lag      -").contains("dashboard joins;");
        assertThat(run.output()).contains("topic holds 2,000");
    }
}
