package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SluiceExamplesTest {
    @Test
    void withoutAnArgumentItListsTheExamplesAndExitsZero() {
        ExampleRun run = ExampleRun.of();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.output()).contains("Examples:");
        for (String name : SluiceExamples.commandLine().getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertThat(run.output()).contains(name);
            }
        }
    }

    @Test
    void anUnknownExampleIsABadOptionNamingIt() {
        ExampleRun run = ExampleRun.of("no-such-example");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).contains("no-such-example");
    }

    @Test
    void aCountBelowOneIsABadOptionNamingTheOptionAndTheValueInEveryExample() {
        for (String name : SluiceExamples.commandLine().getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            String option = name.equals("notifications") || name.equals("log-collection") ? "--seconds" : "--records";
            ExampleRun run = ExampleRun.of(name, option, "0");
            assertThat(run.exitCode()).as(name + ": " + run).isEqualTo(2);
            assertThat(run.errors()).as(name).contains(option).contains("must be at least 1, was 0");
        }
    }

    @Test
    void aBadOptionFoundByTheExampleItselfExitsWithTwoNamingIt() {
        ExampleRun run = ExampleRun.of("data-sync", "--records", "1");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.errors()).contains("--records must be at least 2");
    }

    @Test
    void theSummaryIsTheKeyValueLinesAfterTheLastSummaryLine() {
        assertThat(ExampleRun.summaryOf("progress: 1\nsummary\nrecords: 1,000\ncorrect: yes\n"))
                .isEqualTo(Map.of("records", "1,000", "correct", "yes"));
        assertThat(ExampleRun.summaryOf("no summary here: 1\n")).isEmpty();
    }
}
