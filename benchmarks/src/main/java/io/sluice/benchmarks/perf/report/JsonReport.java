package io.sluice.benchmarks.perf.report;

import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.tune.Tune;
import io.sluice.benchmarks.perf.workload.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Results as JSON, for scripts and for the HTML report:
 * {@code {"workload": {...}, "results": [{"target", "throughput_msgs", "throughput_mb", "latency_us": {"p50",
 * "p90", "p99", "p999", "max"}, "sent", "acked", "received", "lost", "duplicated", "reordered", ...,
 * "throughput_timeline": [records/s in each second, ...]}]}}.
 * {@code acked} is null for targets without acknowledgements; {@code error} is null for a run that finished;
 * {@code cannot_sustain} says why a target could not keep up with a fixed rate (null when it did); with
 * {@code --repeat} every run is there, each with its {@code round} (from 1).
 * Written by hand: the project has no JSON library, and this is one small, fixed shape.
 */
public final class JsonReport {
    private final StringBuilder out = new StringBuilder();

    private JsonReport() {
    }

    static void write(Path file, Workload workload, List<RunResult> results) throws IOException {
        writeFile(file, json(workload, results));
    }

    /**
     * As {@link #write(Path, Workload, List)}, followed by the {@code "tune"} section of {@code sluice-perf tune}:
     * {@code {"target", "p99_target_us" (null without a target), "default", "recommended" (indexes into "results";
     * null when nothing is recommended), "trials": [{"prefetch", "concurrency", "batch_size", "linger_ms",
     * "partitions", "meets_p99"}]}}, where trials[i] describes results[i]. See {@link Tune} for what the indexes
     * point at.
     */
    public static void write(Path file, Workload workload, List<RunResult> results, Tune tune) throws IOException {
        writeFile(file, json(workload, results, tune));
    }

    /** Writes every run of repeated rounds, each result with its {@code "round"} (from 1). */
    public static void writeRounds(Path file, Workload workload, List<List<RunResult>> rounds) throws IOException {
        writeFile(file, jsonRounds(workload, rounds));
    }

    /** Writes {@code json} to {@code file}, creating its folder if need be. */
    private static void writeFile(Path file, String json) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json, StandardCharsets.UTF_8);
    }

    static String json(Workload workload, List<RunResult> results) {
        return json(workload, results, null);
    }

    /** The JSON of every round's results, each with its {@code "round"} (from 1) when there are several rounds. */
    static String jsonRounds(Workload workload, List<List<RunResult>> rounds) {
        return document(workload, rounds, null);
    }

    /** The JSON of {@code results} and, when {@code tune} is not null, its {@code "tune"} section. */
    static String json(Workload workload, List<RunResult> results, Tune tune) {
        if (tune != null && tune.trials().size() != results.size()) {
            throw new IllegalArgumentException("tune has " + tune.trials().size() + " trials for " + results.size() + " results");
        }
        return document(workload, List.of(results), tune);
    }

    private static String document(Workload workload, List<List<RunResult>> rounds, Tune tune) {
        JsonReport j = new JsonReport();
        j.out.append("{\n  \"workload\": ");
        j.workload(workload);
        j.out.append(",\n  \"results\": [");
        boolean first = true;
        for (int round = 0; round < rounds.size(); round++) {
            for (RunResult r : rounds.get(round)) {
                j.out.append(first ? "\n    " : ",\n    ");
                first = false;
                j.result(r, rounds.size() > 1 ? round + 1 : 0);
            }
        }
        j.out.append(first ? "]" : "\n  ]");
        if (tune != null) {
            j.out.append(",\n  \"tune\": ");
            j.tune(tune);
        }
        j.out.append("\n}\n");
        return j.out.toString();
    }

    private void tune(Tune t) {
        out.append('{');
        field("target", t.target()).append(", ");
        if (t.p99Target() == null) {
            name("p99_target_us").append("null").append(", ");
        } else {
            field("p99_target_us", t.p99Target().toNanos() / 1e3).append(", ");
        }
        field("default", t.defaultIndex()).append(", ");
        name("recommended").append(t.recommendedIndex() == null ? "null" : t.recommendedIndex().toString()).append(", ");
        name("trials").append('[');
        for (Tune.Trial trial : t.trials()) {
            Workload w = trial.workload();
            out.append(trial.index() == 0 ? "\n    " : ",\n    ").append('{');
            field("prefetch", w.prefetch()).append(", ");
            field("concurrency", w.concurrency()).append(", ");
            field("batch_size", w.batchSize()).append(", ");
            field("linger_ms", w.linger().toNanos() / 1e6).append(", ");
            field("partitions", w.partitions()).append(", ");
            name("meets_p99").append(trial.meetsP99());
            out.append('}');
        }
        out.append(t.trials().isEmpty() ? "]}" : "\n  ]}");
    }

    private void workload(Workload w) {
        out.append('{');
        field("record_size", w.recordSize()).append(", ");
        field("count", w.count()).append(", ");
        name("duration_ms").append(w.count() > 0 ? "null" : Long.toString(w.duration().toMillis())).append(", ");
        field("rate", w.rate()).append(", ");
        field("partitions", w.partitions()).append(", ");
        field("producers", w.producers()).append(", ");
        field("consumers", w.consumers()).append(", ");
        field("prefetch", w.prefetch()).append(", ");
        field("concurrency", w.concurrency()).append(", ");
        field("batch_size", w.batchSize()).append(", ");
        field("linger_ms", w.linger().toNanos() / 1e6).append(", ");
        field("partitioner", w.partitioner().cliName()).append(", ");
        field("acks", w.acks().name().toLowerCase(Locale.ROOT)).append(", ");
        field("max_backlog", w.maxBacklog()).append(", ");
        field("keys", w.keys()).append(", ");
        field("groups", w.groups()).append(", ");
        field("in_flight_limit", w.inFlightLimit()).append(", ");
        name("own_defaults").append('[');
        boolean first = true;
        for (Workload.Knob k : Workload.Knob.values()) {
            if (w.ownDefault(k)) {
                out.append(first ? "" : ", ").append(quote(k.name().toLowerCase(Locale.ROOT)));
                first = false;
            }
        }
        out.append("]}");
    }

    /** One result; {@code round} from 1 is written as its {@code "round"}, 0 leaves it out. */
    private void result(RunResult r, int round) {
        out.append('{');
        field("target", r.target()).append(", ");
        if (round > 0) {
            field("round", round).append(", ");
        }
        field("throughput_msgs", r.msgsPerSec()).append(", ");
        field("throughput_mb", r.mbPerSec()).append(", ");
        name("latency_us").append('{');
        field("p50", r.latency().p50()).append(", ");
        field("p90", r.latency().p90()).append(", ");
        field("p99", r.latency().p99()).append(", ");
        field("p999", r.latency().p999()).append(", ");
        field("max", r.latency().max());
        out.append("}, ");
        field("sent", r.sent()).append(", ");
        name("acked").append(r.acked() < 0 ? "null" : Long.toString(r.acked())).append(", ");
        field("received", r.received()).append(", ");
        field("lost", r.lost()).append(", ");
        field("duplicated", r.duplicated()).append(", ");
        field("reordered", r.reordered()).append(", ");
        field("elapsed_ms", r.elapsed().toNanos() / 1e6).append(", ");
        name("error").append(r.error() == null ? "null" : quote(r.error())).append(", ");
        name("cannot_sustain").append(r.cannotSustain() == null ? "null" : quote(r.cannotSustain())).append(", ");
        name("details").append('{');
        boolean first = true;
        for (Map.Entry<String, String> d : r.details().entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            field(d.getKey(), d.getValue());
        }
        out.append("}, ");
        name("throughput_timeline").append('[');
        for (int i = 0; i < r.throughputTimeline().size(); i++) {
            out.append(i == 0 ? "" : ", ").append(r.throughputTimeline().get(i).longValue());
        }
        out.append("]}");
    }

    private StringBuilder name(String name) {
        return out.append(quote(name)).append(": ");
    }

    private StringBuilder field(String name, String value) {
        return name(name).append(quote(value));
    }

    private StringBuilder field(String name, long value) {
        return name(name).append(value);
    }

    private StringBuilder field(String name, double value) {
        // JSON has no NaN or infinity
        return name(name).append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null");
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
