package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.cli.SluicePerf;
import io.sluice.benchmarks.perf.measure.Latency;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {
    private static final Workload WORKLOAD = Workload.builder().recordSize(100).count(1000).partitions(4)
            .linger(Duration.ofMillis(2)).acks(Acks.APPENDED).build();

    @Test
    void writesTheWorkloadAndEachResultUnderTheAgreedNames() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("gc", "1 collection");
        RunResult sluice = new RunResult("sluice-embedded", WORKLOAD, 1000, 1000, 1001, 0, 1, 2, Duration.ofMillis(500),
                Duration.ofMillis(400), 2000.0, 0.2, new Latency(1000, 10.5, 20, 30, 40, 50, 12), null, details,
                List.of(1800L, 2200L));
        RunResult raw = new RunResult("reactor-raw", WORKLOAD, 1000, -1, 1000, 0, 0, 0, Duration.ofMillis(250),
                Duration.ofMillis(200), 4000.0, 0.4, new Latency(1000, 1, 2, 3, 4, 5, 2), null, Map.of());

        String json = JsonReport.json(WORKLOAD, List.of(raw, sluice));

        assertThat(json).isEqualTo("""
                {
                  "workload": {"record_size": 100, "count": 1000, "duration_ms": null, "rate": 0, "profile": null, "partitions": 4, \
                "producers": 1, "consumers": 1, "prefetch": 512, "concurrency": 1, "batch_size": 65536, "linger_ms": 2.000, \
                "partitioner": "key-hash", "acks": "appended", "max_backlog": 100000, "keys": 0, "groups": 1, \
                "in_flight_limit": 400000, "own_defaults": []},
                  "results": [
                    {"target": "reactor-raw", "throughput_msgs": 4000.000, "throughput_mb": 0.400, "latency_us": \
                {"p50": 1.000, "p90": 2.000, "p99": 3.000, "p999": 4.000, "max": 5.000}, "sent": 1000, "acked": null, \
                "received": 1000, "lost": 0, "duplicated": 0, "reordered": 0, "elapsed_ms": 250.000, "error": null, "cannot_sustain": null, \
                "details": {}, \
                "throughput_timeline": [], "latency_timeline": []},
                    {"target": "sluice-embedded", "throughput_msgs": 2000.000, "throughput_mb": 0.200, "latency_us": \
                {"p50": 10.500, "p90": 20.000, "p99": 30.000, "p999": 40.000, "max": 50.000}, "sent": 1000, "acked": 1000, \
                "received": 1001, "lost": 0, "duplicated": 1, "reordered": 2, "elapsed_ms": 500.000, "error": null, \
                "cannot_sustain": null, "details": {"gc": "1 collection"}, "throughput_timeline": [1800, 2200], "latency_timeline": []}
                  ]
                }
                """);
    }

    @Test
    void repeatedRoundsKeepEveryRunWithItsRoundAndTheWorkloadNamesKnobsLeftToTheTargets() {
        Workload w = Workload.builder().count(10).ownDefault(Workload.Knob.LINGER).ownDefault(Workload.Knob.PREFETCH).build();
        RunResult a = RunResult.failure("a", w, "x");
        RunResult b = RunResult.failure("b", w, "y");
        String json = JsonReport.jsonRounds(w, List.of(List.of(a, b), List.of(a, b)));
        assertThat(json).contains("\"own_defaults\": [\"linger\", \"prefetch\"]");
        assertThat(json.split("\"round\": 2", -1)).hasSize(3);
        assertThat(json.split("\"round\": 1", -1)).hasSize(3);
    }

    @Test
    void escapesStringsAndWritesNonFiniteNumbersAsNull() {
        RunResult failed = new RunResult("t", WORKLOAD, 0, -1, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, Double.NaN,
                Double.POSITIVE_INFINITY, Latency.NONE, "broker said \"no\"\n\tat 127.0.0.1:9092\\x\u0001", Map.of());
        String json = JsonReport.json(WORKLOAD, List.of(failed));
        assertThat(json).contains("\"throughput_msgs\": null, \"throughput_mb\": null")
                .contains("\"error\": \"broker said \\\"no\\\"\\n\\tat 127.0.0.1:9092\\\\x\\u0001\"");
    }

    @Test
    void runWritesTheJsonFileItIsAskedFor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reports/out.json");
        StringWriter out = new StringWriter();
        int code = SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "run", "--target", "reactor-raw", "--count", "20000", "--warmup", "0", "-q", "--json", file.toString());
        assertThat(code).isZero();
        assertThat(out.toString()).contains("results written to " + file);
        assertThat(Files.readString(file))
                .startsWith("{\n  \"workload\": {\"record_size\": 100, \"count\": 20000,")
                .contains("\"target\": \"reactor-raw\"")
                .contains("\"sent\": 20000, \"acked\": null, \"received\": 20000, \"lost\": 0, \"duplicated\": 0, \"reordered\": 0")
                .containsPattern("\"throughput_timeline\": \\[[1-9][0-9]*(, [0-9]+)*\\], \"latency_timeline\": \\[\\{\"count\": [1-9]");
    }
}
