package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.measure.Latency;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.workload.LoadProfile;
import io.sluice.benchmarks.perf.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's second-by-second latency goes into the JSON, is read back, and is drawn as "Latency over time". */
class LatencyTimelineReportTest {
    private static final Workload RAMP = Workload.builder().profile(LoadProfile.parse("ramp:1k-3k/2s")).build();

    @Test
    void eachSecondsLatencyIsWrittenReadBackAndCharted(@TempDir Path dir) throws Exception {
        RunResult r = new RunResult("sluice-embedded", RAMP, 4000, 4000, 4000, 0, 0, 0, Duration.ofSeconds(2), Duration.ofSeconds(2),
                2000.0, 0.2, new Latency(4000, 50, 80, 900, 1500, 2000, 70), null, Map.of(), List.of(1500L, 2500L), null,
                List.of(new Latency(1500, 40, 60, 100, 120, 150, 45), new Latency(2500, 60, 90, 900, 1500, 2000, 80)));
        String json = JsonReport.json(RAMP, List.of(r));
        assertThat(json).contains("\"profile\": \"ramp:1k-3k/2s\"")
                .contains("\"latency_timeline\": [{\"count\": 1500, \"p50\": 40.000, \"p99\": 100.000, \"max\": 150.000}, "
                        + "{\"count\": 2500, \"p50\": 60.000, \"p99\": 900.000, \"max\": 2000.000}]");

        Path file = dir.resolve("ramp.json");
        Files.writeString(file, json);
        ResultsFile read = ResultsFile.read(file);
        assertThat(read.results().get(0).latencyTimeline()).hasSize(2);
        assertThat(read.results().get(0).latencyTimeline().get(1)).containsExactly(60.0, 900.0, 2000.0);

        String html = HtmlReport.html(List.of(read));
        String chart = html.substring(html.indexOf("id=\"chart-latency-timeline-"));
        chart = chart.substring(0, chart.indexOf("</svg>"));
        assertThat(chart).contains("Latency over time").contains("class=\"mark series\"");
        assertThat(chart.split("class=\"mark point\"", -1)).hasSize(3); // one point per second
    }

    @Test
    void aFileWrittenBeforeTheLatencyTimelineSaysSoInItsChart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.json");
        Files.writeString(file, ReportFixtures.compareJson().replaceAll(", \"latency_timeline\": \\[[^\\]]*\\]", ""));
        String html = HtmlReport.html(List.of(ResultsFile.read(file)));
        assertThat(html).contains("No latency timeline in this file");
    }
}
