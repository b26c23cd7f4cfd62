package io.sluice.benchmarks.perf.report;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.benchmarks.perf.measure.Latency;
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
 * "throughput_timeline": [records/s in each second, ...], "latency_timeline": [{"count", "p50", "p99", "max"} of the
 * records received in each of those seconds, in microseconds, ...]}]}}; the workload's {@code "profile"} is the
 * {@code --profile} given (its {@code "rate"} then the profile's mean), or null.
 * {@code acked} is null for targets without acknowledgements; {@code error} is null for a run that finished;
 * {@code cannot_sustain} says why a target could not keep up with a fixed rate (null when it did); with
 * {@code --repeat} every run is there, each with its {@code round} (from 1).
 * Written with Jackson's generator in the layout of {@link Json#write}: one result per line, numbers with three
 * decimals, non-finite numbers as null.
 */
public final class JsonReport {
    private JsonReport() {
    }

    static void write(Path file, Workload workload, List<RunResult> results) throws IOException {
        writeFile(file, json(workload, results));
    }

    /**
     * As {@link #write(Path, Workload, List)}, followed by the {@code "tune"} section of {@code sluice-perf tune}:
     * {@code {"target", "objective" ("throughput" or "max-rate"), "p99_target_us" (null without a target), "default",
     * "recommended" (indexes into "results"; null when nothing is recommended), "trials": [{"prefetch", "concurrency",
     * "batch_size", "linger_ms", "partitions", "meets_p99", "max_rate", "max_rate_steps"}]}}, where trials[i]
     * describes results[i]; {@code max_rate} (msgs/s, 0 when no rate met the target) and {@code max_rate_steps} are
     * null under the throughput objective. See {@link Tune} for what the indexes point at.
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

    /**
     * The JSON of {@code sluice-perf curve}: every measured point's result, then a {@code "curve"} section
     * {@code {"p99_target_us", "points": [{"result" (an index into "results"), "target", "percent" (of the target's
     * max rate), "rate"}]}}.
     */
    public static void writeCurve(Path file, Workload workload, List<RunResult> results, double p99TargetUs,
                                  List<CurvePoint> points) throws IOException {
        writeFile(file, curveJson(workload, results, p99TargetUs, points));
    }

    /** A point of a latency-throughput curve: {@code results[result]} ran {@code target} at {@code percent}% of its max rate. */
    public record CurvePoint(int result, String target, int percent, long rate) {
    }

    static String curveJson(Workload workload, List<RunResult> results, double p99TargetUs, List<CurvePoint> points) {
        return Json.write(json -> {
            openWithResults(json, workload, List.of(results));
            json.writeObjectFieldStart("curve");
            number(json, "p99_target_us", p99TargetUs);
            json.writeArrayFieldStart("points");
            for (CurvePoint p : points) {
                json.writeStartObject();
                json.writeNumberField("result", p.result());
                json.writeStringField("target", p.target());
                json.writeNumberField("percent", p.percent());
                json.writeNumberField("rate", p.rate());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /**
     * The JSON of {@code sluice-perf max-rate}: every step's result, then a {@code "max_rate"} section
     * {@code {"p99_target_us", "targets": [{"target", "max_rate" (msgs/s, 0 when no rate met the target), "ceiling"
     * (what the unlimited step delivered, msgs/s), "ended" (why the search stopped), "acks" (the level the target ran
     * at when it differs from the workload's, else null), "steps": [{"result" (an index into "results"), "rate" (0 for
     * the unlimited first step), "meets", "why" (why it missed, or null)}]}]}}, so that the report can draw each search.
     */
    public static void writeMaxRate(Path file, Workload workload, List<RunResult> results, double p99TargetUs,
                                    List<MaxRateTarget> targets) throws IOException {
        writeFile(file, maxRateJson(workload, results, p99TargetUs, targets));
    }

    /**
     * One target's max-rate search: its max rate (0 when none met the target), its ceiling, why it stopped, the acks it
     * ran with when they are not the workload's (as {@code --acks} spells them; else null) and its steps in order.
     */
    public record MaxRateTarget(String target, long maxRate, double ceiling, String ended, String acks, List<MaxRateStep> steps) {
        public MaxRateTarget {
            steps = List.copyOf(steps);
        }
    }

    /**
     * A step of a max-rate search: {@code results[result]} ran at {@code rate} msgs/s (0: the unlimited first step), and
     * met the p99 target with nothing lost, or missed it because of {@code why}.
     */
    public record MaxRateStep(int result, long rate, boolean meets, String why) {
    }

    static String maxRateJson(Workload workload, List<RunResult> results, double p99TargetUs, List<MaxRateTarget> targets) {
        for (MaxRateTarget t : targets) {
            for (MaxRateStep step : t.steps()) {
                if (step.result() < 0 || step.result() >= results.size()) {
                    throw new IllegalArgumentException(t.target() + "'s step points at result " + step.result() + " of "
                            + results.size());
                }
            }
        }
        return Json.write(json -> {
            openWithResults(json, workload, List.of(results));
            json.writeObjectFieldStart("max_rate");
            number(json, "p99_target_us", p99TargetUs);
            json.writeArrayFieldStart("targets");
            for (MaxRateTarget t : targets) {
                json.writeStartObject();
                json.writeStringField("target", t.target());
                json.writeNumberField("max_rate", t.maxRate());
                number(json, "ceiling", t.ceiling());
                json.writeStringField("ended", t.ended());
                json.writeStringField("acks", t.acks());
                json.writeArrayFieldStart("steps");
                for (MaxRateStep step : t.steps()) {
                    json.writeStartObject();
                    json.writeNumberField("result", step.result());
                    json.writeNumberField("rate", step.rate());
                    json.writeBooleanField("meets", step.meets());
                    json.writeStringField("why", step.why());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
        });
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

    /**
     * Opens a results file: the top-level object, its {@code "workload"} and its {@code "results"}, every round's in
     * order (numbered from 1 when there are several); the caller writes its own sections and closes the object.
     */
    private static void openWithResults(JsonGenerator json, Workload workload, List<List<RunResult>> rounds) throws IOException {
        json.writeStartObject();
        json.writeFieldName("workload");
        workload(json, workload);
        json.writeArrayFieldStart("results");
        for (int round = 0; round < rounds.size(); round++) {
            for (RunResult r : rounds.get(round)) {
                result(json, r, rounds.size() > 1 ? round + 1 : 0);
            }
        }
        json.writeEndArray();
    }

    private static String document(Workload workload, List<List<RunResult>> rounds, Tune tune) {
        return Json.write(json -> {
            openWithResults(json, workload, rounds);
            if (tune != null) {
                json.writeFieldName("tune");
                tune(json, tune);
            }
            json.writeEndObject();
        });
    }

    private static void tune(JsonGenerator json, Tune t) throws IOException {
        json.writeStartObject();
        json.writeStringField("target", t.target());
        json.writeStringField("objective", t.objective().cliName());
        if (t.p99Target() == null) {
            json.writeNullField("p99_target_us");
        } else {
            number(json, "p99_target_us", t.p99Target().toNanos() / 1e3);
        }
        json.writeNumberField("default", t.defaultIndex());
        json.writeFieldName("recommended");
        if (t.recommendedIndex() == null) {
            json.writeNull();
        } else {
            json.writeNumber(t.recommendedIndex());
        }
        json.writeArrayFieldStart("trials");
        for (Tune.Trial trial : t.trials()) {
            Workload w = trial.workload();
            json.writeStartObject();
            json.writeNumberField("prefetch", w.prefetch());
            json.writeNumberField("concurrency", w.concurrency());
            json.writeNumberField("batch_size", w.batchSize());
            number(json, "linger_ms", w.linger().toNanos() / 1e6);
            json.writeNumberField("partitions", w.partitions());
            json.writeBooleanField("meets_p99", trial.meetsP99());
            if (trial.maxRate() == null) {
                json.writeNullField("max_rate");
                json.writeNullField("max_rate_steps");
            } else {
                json.writeNumberField("max_rate", trial.maxRate().rate());
                json.writeNumberField("max_rate_steps", trial.maxRate().steps());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void workload(JsonGenerator json, Workload w) throws IOException {
        json.writeStartObject();
        json.writeNumberField("record_size", w.recordSize());
        json.writeNumberField("count", w.count());
        json.writeFieldName("duration_ms");
        if (w.count() > 0) {
            json.writeNull();
        } else {
            json.writeNumber(w.duration().toMillis());
        }
        json.writeNumberField("rate", w.rate());
        json.writeStringField("profile", w.profile() == null ? null : w.profile().spec());
        json.writeNumberField("partitions", w.partitions());
        json.writeNumberField("producers", w.producers());
        json.writeNumberField("consumers", w.consumers());
        json.writeNumberField("prefetch", w.prefetch());
        json.writeNumberField("concurrency", w.concurrency());
        json.writeNumberField("batch_size", w.batchSize());
        number(json, "linger_ms", w.linger().toNanos() / 1e6);
        json.writeStringField("partitioner", w.partitioner().cliName());
        json.writeStringField("acks", w.acks().name().toLowerCase(Locale.ROOT));
        json.writeNumberField("max_backlog", w.maxBacklog());
        json.writeNumberField("keys", w.keys());
        json.writeNumberField("groups", w.groups());
        json.writeNumberField("in_flight_limit", w.inFlightLimit());
        json.writeArrayFieldStart("own_defaults");
        for (Workload.Knob k : Workload.Knob.values()) {
            if (w.ownDefault(k)) {
                json.writeString(k.name().toLowerCase(Locale.ROOT));
            }
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** One result; {@code round} from 1 is written as its {@code "round"}, 0 leaves it out. */
    private static void result(JsonGenerator json, RunResult r, int round) throws IOException {
        json.writeStartObject();
        json.writeStringField("target", r.target());
        if (round > 0) {
            json.writeNumberField("round", round);
        }
        number(json, "throughput_msgs", r.msgsPerSec());
        number(json, "throughput_mb", r.mbPerSec());
        json.writeObjectFieldStart("latency_us");
        number(json, "p50", r.latency().p50());
        number(json, "p90", r.latency().p90());
        number(json, "p99", r.latency().p99());
        number(json, "p999", r.latency().p999());
        number(json, "max", r.latency().max());
        json.writeEndObject();
        json.writeNumberField("sent", r.sent());
        json.writeFieldName("acked");
        if (r.acked() < 0) {
            json.writeNull();
        } else {
            json.writeNumber(r.acked());
        }
        json.writeNumberField("received", r.received());
        json.writeNumberField("lost", r.lost());
        json.writeNumberField("duplicated", r.duplicated());
        json.writeNumberField("reordered", r.reordered());
        number(json, "elapsed_ms", r.elapsed().toNanos() / 1e6);
        json.writeStringField("error", r.error());
        json.writeStringField("cannot_sustain", r.cannotSustain());
        json.writeObjectFieldStart("details");
        for (Map.Entry<String, String> d : r.details().entrySet()) {
            json.writeStringField(d.getKey(), d.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("throughput_timeline");
        for (Long perSecond : r.throughputTimeline()) {
            json.writeNumber(perSecond.longValue());
        }
        json.writeEndArray();
        json.writeArrayFieldStart("latency_timeline");
        for (Latency second : r.latencyTimeline()) {
            json.writeStartObject();
            json.writeNumberField("count", second.count());
            number(json, "p50", second.p50());
            number(json, "p99", second.p99());
            number(json, "max", second.max());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** A number with three decimals; JSON has no NaN or infinity, so those are null. */
    private static void number(JsonGenerator json, String name, double value) throws IOException {
        json.writeFieldName(name);
        if (Double.isFinite(value)) {
            json.writeNumber(String.format(Locale.ROOT, "%.3f", value));
        } else {
            json.writeNull();
        }
    }
}
