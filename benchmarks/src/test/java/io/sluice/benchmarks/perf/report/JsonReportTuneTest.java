package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.tune.Tune;
import io.sluice.benchmarks.perf.tune.TunerTest;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code "tune"} section of the JSON report, in the shape agreed with the HTML report. */
class JsonReportTuneTest {
    private static final Workload DEFAULT = Workload.builder().count(1000).build();
    private static final Workload BEST = DEFAULT.toBuilder().partitions(8).linger(Duration.ofMillis(1)).build();

    private static Tune.Trial trial(int index, Tune.Role role, Workload w, double msgs, double p99, boolean meets) {
        return new Tune.Trial(index, role, w, TunerTest.result(w, msgs, p99), meets, role.label());
    }

    @Test
    void appendsTheTuneSectionWithOneTrialPerResult() {
        List<Tune.Trial> trials = List.of(
                trial(0, Tune.Role.DEFAULT, DEFAULT, 1000, 100, true),
                trial(1, Tune.Role.SEARCH, BEST, 2000, 6000, false),
                trial(2, Tune.Role.CONFIRM_DEFAULT, DEFAULT, 1100, 90, true),
                trial(3, Tune.Role.CONFIRM_BEST, BEST, 1900, 4000, true));
        Tune tune = new Tune("sluice-embedded", Tune.Objective.THROUGHPUT, Duration.ofMillis(5), trials, 2, 3, Tune.Outcome.CONFIRMED,
                false, null, List.of(), false);

        String json = JsonReport.json(DEFAULT, tune.results(), tune);

        String plain = JsonReport.json(DEFAULT, tune.results());
        assertThat(json).as("the standard shape first, unchanged").startsWith(plain.substring(0, plain.length() - "\n}\n".length()));
        assertThat(json.substring(plain.length() - "\n}\n".length())).isEqualTo("""
                ,
                  "tune": {"target": "sluice-embedded", "objective": "throughput", "p99_target_us": 5000.000, "default": 2, "recommended": 3, "trials": [
                    {"prefetch": 512, "concurrency": 1, "batch_size": 65536, "linger_ms": 0.000, "partitions": 4, "meets_p99": true, "max_rate": null, "max_rate_steps": null},
                    {"prefetch": 512, "concurrency": 1, "batch_size": 65536, "linger_ms": 1.000, "partitions": 8, "meets_p99": false, "max_rate": null, "max_rate_steps": null},
                    {"prefetch": 512, "concurrency": 1, "batch_size": 65536, "linger_ms": 0.000, "partitions": 4, "meets_p99": true, "max_rate": null, "max_rate_steps": null},
                    {"prefetch": 512, "concurrency": 1, "batch_size": 65536, "linger_ms": 1.000, "partitions": 8, "meets_p99": true, "max_rate": null, "max_rate_steps": null}
                  ]}
                }
                """);
    }

    @Test
    void noTargetAndNoRecommendationAreNull() {
        List<Tune.Trial> trials = List.of(new Tune.Trial(0, Tune.Role.DEFAULT, DEFAULT, RunResult.failure("nats", DEFAULT, "down"),
                false, "default"));
        Tune tune = new Tune("nats", Tune.Objective.THROUGHPUT, null, trials, 0, null, Tune.Outcome.DEFAULT_FAILED, false, null,
                List.of(), false);
        assertThat(JsonReport.json(DEFAULT, tune.results(), tune))
                .contains("\"tune\": {\"target\": \"nats\", \"objective\": \"throughput\", \"p99_target_us\": null, \"default\": 0,"
                        + " \"recommended\": null, \"trials\": [\n"
                        + "    {\"prefetch\": 512, \"concurrency\": 1, \"batch_size\": 65536, \"linger_ms\": 0.000, \"partitions\": 4,"
                        + " \"meets_p99\": false, \"max_rate\": null, \"max_rate_steps\": null}\n  ]}\n}\n");
    }

    @Test
    void withoutATuneTheOutputIsTheStandardOne() {
        List<RunResult> results = List.of(TunerTest.result(DEFAULT, 1000, 100));
        assertThat(JsonReport.json(DEFAULT, results, null)).isEqualTo(JsonReport.json(DEFAULT, results)).doesNotContain("tune");
    }

    @Test
    void refusesATuneThatDoesNotDescribeTheResults() {
        Tune tune = new Tune("t", Tune.Objective.THROUGHPUT, null, List.of(trial(0, Tune.Role.DEFAULT, DEFAULT, 1, 1, true)), 0, 0,
                Tune.Outcome.KEPT_DEFAULT, false, null, List.of(), false);
        assertThatThrownBy(() -> JsonReport.json(DEFAULT, List.of(), tune)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 trials for 0 results");
    }
}
