package io.sluice.benchmarks.perf.report;

import io.sluice.benchmarks.perf.measure.Latency;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results files for the report's tests: a compare of two targets, a tune sweep in the shape {@code tune} writes, and a
 * max-rate search.
 */
public final class ReportFixtures {
    public static final Workload WORKLOAD = Workload.builder().recordSize(100).count(300_000).partitions(4)
            .linger(Duration.ofMillis(1)).acks(Acks.APPENDED).build();

    private ReportFixtures() {
    }

    /** reactor-raw and sluice-embedded, with timelines, details and (on the second) a hostile string. */
    public static String compareJson() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("gc", "3 collections, 12 ms in total during the phase (whole JVM)");
        details.put("batches", "<b>1,234</b> & \"quoted\" (243.1 records/batch)");
        RunResult raw = new RunResult("reactor-raw", WORKLOAD, 300_000, -1, 300_000, 0, 0, 0, Duration.ofMillis(2900),
                Duration.ofMillis(2800), 103_000, 10.3, new Latency(300_000, 3.2, 8.5, 41, 180, 2_400, 6), null,
                Map.of("gc", "1 collection"), List.of(98_000L, 110_000L, 101_000L), null, seconds(40, 38, 45));
        RunResult sluice = new RunResult("sluice-embedded", WORKLOAD, 300_000, 300_000, 300_001, 0, 1, 0,
                Duration.ofMillis(4600), Duration.ofMillis(4500), 65_000, 6.5, new Latency(300_000, 45, 120, 900, 4_100, 52_000, 80),
                null, details, List.of(50_000L, 70_000L, 68_000L, 72_000L, 40_000L), null, seconds(700, 950, 880, 30_000, 900));
        return JsonReport.json(WORKLOAD, List.of(raw, sluice));
    }

    /** A sweep of {@code trials} trials of sluice-embedded; results[0] is the default, [2] the recommended one, [3] failed (#1, #3 and #4 on the page). */
    public static String tuneJson(int trials) {
        List<RunResult> results = new ArrayList<>();
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < trials; i++) {
            double p99 = 200 + 150 * i;
            String error = i == 3 ? "cut short: nothing received for 10s" : null;
            results.add(new RunResult("sluice-embedded", WORKLOAD, 300_000, 300_000, 300_000, 0, 0, 0, Duration.ofSeconds(3),
                    Duration.ofSeconds(3), i == 3 ? 0 : 50_000 + 9_000 * i, 5, new Latency(300_000, 30 + i, 80, p99, p99 * 3,
                    p99 * 20, 50), error, Map.of(), List.of(40_000L + 1000 * i, 52_000L + 1000 * i), null, seconds(p99, p99 * 1.1)));
            t.append(i == 0 ? "" : ", ").append("{\"prefetch\": ").append(64 << i).append(", \"concurrency\": 1, \"batch_size\": ")
                    .append(16384 << (i % 3)).append(", \"linger_ms\": ").append(i % 2 == 0 ? "0.0" : "1.5")
                    .append(", \"partitions\": 4, \"meets_p99\": ").append(p99 <= 600).append('}');
        }
        String json = JsonReport.json(WORKLOAD, results);
        String tune = ",\n  \"tune\": {\"target\": \"sluice-embedded\", \"p99_target_us\": 600, \"default\": 0, \"recommended\": 2,"
                + " \"trials\": [" + t + "]}\n}\n";
        return json.substring(0, json.lastIndexOf("\n}")) + tune;
    }

    /**
     * A max-rate search of sluice-embedded (ceiling 1,200,000; 600,000 meets, 848,528 misses twice, 713,000 meets: its
     * max rate) and of kafka at acks none (ceiling 40,000; 20,000 misses twice, 5,000 meets, 10,000 meets: its max
     * rate), with a p99 target of 10 ms; results[i] is the i-th step in that order.
     */
    public static String maxRateJson() {
        List<RunResult> results = new ArrayList<>();
        List<JsonReport.MaxRateTarget> targets = new ArrayList<>();
        String over = "p99 25.00 ms over 10.00 ms";
        targets.add(search(results, "sluice-embedded", null, 1_200_000, 713_000, "the bounds are within 5%",
                new long[] {0, 600_000, 848_528, 848_528, 713_000}, new String[] {null, null, over, over, null}));
        targets.add(search(results, "kafka", "none", 40_000, 10_000, "at 5 steps",
                new long[] {0, 20_000, 20_000, 5_000, 10_000}, new String[] {null, over, over, null, null}));
        return JsonReport.maxRateJson(WORKLOAD, results, 10_000, targets);
    }

    /** One target's search: each step's result (delivering its rate, or the ceiling) added to {@code results}. */
    private static JsonReport.MaxRateTarget search(List<RunResult> results, String target, String acks, double ceiling,
                                                   long maxRate, String ended, long[] rates, String[] whys) {
        List<JsonReport.MaxRateStep> steps = new ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            double delivered = rates[i] == 0 ? ceiling : rates[i];
            double p99 = whys[i] == null ? 6_000 : 25_000;
            steps.add(new JsonReport.MaxRateStep(results.size(), rates[i], whys[i] == null, whys[i]));
            results.add(new RunResult(target, WORKLOAD, 1000, 1000, 1000, 0, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                    delivered, delivered / 1e4, new Latency(1000, p99 / 4, p99 / 2, p99, p99 * 2, p99 * 3, p99 / 3), null,
                    Map.of(), List.of((long) delivered), null, seconds(p99)));
        }
        return new JsonReport.MaxRateTarget(target, maxRate, ceiling, ended, acks, steps);
    }

    /** A latency timeline whose seconds have these p99s (µs), p50 a tenth and max twice each. */
    private static List<Latency> seconds(double... p99s) {
        List<Latency> seconds = new ArrayList<>();
        for (double p99 : p99s) {
            seconds.add(new Latency(1000, p99 / 10, p99 / 2, p99, p99 * 1.5, p99 * 2, p99 / 8));
        }
        return seconds;
    }
}
