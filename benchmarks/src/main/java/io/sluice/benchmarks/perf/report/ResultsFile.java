package io.sluice.benchmarks.perf.report;

import io.sluice.benchmarks.perf.tune.Tune;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A results file as {@code report} reads it back: what {@code --json} writes ({@link JsonReport}), plus the optional
 * {@code "tune"} section of {@code sluice-perf tune}, {@code "curve"} of {@code curve} and {@code "max_rate"} of
 * {@code max-rate}. Fields it does not know are ignored, so that newer writers
 * can add some; the fields it knows must have the right type, or {@link #parse} says which one is wrong
 * ({@code results[1].latency_us.p99: expected a number or null, found a string}).
 *
 * @param name     where it came from, for headings
 * @param workload the workload's fields as written, in order (values are strings, numbers, booleans or null)
 * @param results  the results, in order
 * @param tune     the tune sweep, or null
 * @param curve    the latency-throughput curve, or null
 * @param maxRate  the max-rate searches, or null
 */
public record ResultsFile(String name, Map<String, Object> workload, List<Result> results, Tune tune, Curve curve,
                          MaxRate maxRate) {

    /**
     * The latency-throughput curve of {@code sluice-perf curve}: point i ran {@code target} at {@code percent}% of its
     * max rate, {@code rate} msgs/s, and gave {@code results[result]}.
     */
    record Curve(double p99TargetUs, List<CurvePoint> points) {
    }

    record CurvePoint(int result, String target, int percent, long rate) {
    }

    /**
     * The searches of {@code sluice-perf max-rate}, a target after another, each step's result in {@code results};
     * public, as the command's tests read back what it wrote.
     *
     * @param p99TargetUs the p99 latency a rate had to keep under, in µs
     */
    public record MaxRate(double p99TargetUs, List<MaxRateTarget> targets) {
    }

    /**
     * One target's search.
     *
     * @param maxRate the highest rate that met the target (msgs/s), or 0 when none did
     * @param ceiling what the unlimited first step delivered (msgs/s): the most the search tried
     * @param ended   why the search stopped, or null
     * @param acks    the acks level the target ran at when it is not the workload's, or null
     */
    public record MaxRateTarget(String target, long maxRate, double ceiling, String ended, String acks, List<MaxRateStep> steps) {
        /** The step that ran at the max rate (the last one that met the target there), or null. */
        public MaxRateStep best() {
            for (int i = steps.size() - 1; i >= 0; i--) {
                MaxRateStep s = steps.get(i);
                if (maxRate > 0 && s.meets() && s.rate() == maxRate) {
                    return s;
                }
            }
            return null;
        }
    }

    /** A step: {@code results[result]} ran at {@code rate} msgs/s (0: unlimited, the ceiling), and met the target or not, and why. */
    public record MaxRateStep(int result, long rate, boolean meets, String why) {
    }

    private static final Pattern WORST_STALL = Pattern.compile("at worst ([0-9]+(?:\\.[0-9]+)?) ms");

    /**
     * One result. Numbers written as null (not finite) read as NaN.
     *
     * @param acked    acknowledged sends, or null for a target without acknowledgements
     * @param error    why it failed, or null
     * @param timeline records/s second by second; empty when the file has none
     * @param latencyTimeline p50, p99 and max (µs) of the records received in each of those seconds; empty when the
     *                 file has none
     * @param cannotSustain why the target could not keep up with a fixed rate (its percentiles are then schedule lag),
     *                 or null when it did, the rate was unlimited or the file predates the field
     */
    record Result(String target, double msgsPerSec, double mbPerSec, double p50, double p90, double p99, double p999,
                  double max, long sent, Long acked, long received, long lost, long duplicated, long reordered,
                  double elapsedMs, String error, Map<String, String> details, List<Double> timeline,
                  List<double[]> latencyTimeline, String cannotSustain) {

        /** The latency percentiles in µs: p50, p90, p99, p99.9, max. */
        double[] percentiles() {
            return new double[] {p50, p90, p99, p999, max};
        }

        boolean failed() {
            return error != null;
        }

        /**
         * The longest stall the idle-thread meter met during the phase, in ms: the {@code hiccups} detail, which the
         * runner's {@code Hiccups} writes as {@code "... at worst 14.5 ms (...)"}; NaN when the result has none.
         */
        double worstStallMs() {
            String hiccups = details.get("hiccups");
            Matcher m = hiccups == null ? null : WORST_STALL.matcher(hiccups);
            return m != null && m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        }

        /** True when the percentiles measure latency: the target kept up with its rate (or the rate was unlimited). */
        boolean sustained() {
            return cannotSustain == null;
        }
    }

    /**
     * The tune sweep: trial i ran with {@code trials[i]}'s knobs and gave {@code results[i]}.
     *
     * @param target      the target swept
     * @param p99TargetUs the p99 latency the recommendation had to meet, in µs, or null for none
     * @param defaults    the index of the trial with the default knobs
     * @param recommended the index of the recommended trial, or null when none met the target
     */
    record Tune(String target, Double p99TargetUs, int defaults, Integer recommended, List<Trial> trials) {
    }

    /** The knobs of one tune trial and whether its p99 met the target. */
    record Trial(long prefetch, long concurrency, long batchSize, double lingerMs, long partitions, boolean meetsP99) {
    }

    /** Reads {@code file} as UTF-8 and parses it. @throws IllegalArgumentException naming what is wrong */
    public static ResultsFile read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8 text");
        }
        return parse(file.toString(), text);
    }

    /** Parses the text of a results file. @throws IllegalArgumentException naming what is wrong, and where */
    static ResultsFile parse(String name, String json) {
        Node root = new Node("the top level", Json.parse(json));
        Map<String, Object> workload = root.field("workload").object();
        List<Node> rs = root.field("results").array();
        List<Result> results = new ArrayList<>();
        for (Node r : rs) {
            results.add(result(r));
        }
        Node t = root.optionalField("tune");
        Tune tune = t == null || t.value == null ? null : tune(t, results.size());
        Node c = root.optionalField("curve");
        Curve curve = c == null || c.value == null ? null : curve(c, results.size());
        Node m = root.optionalField("max_rate");
        MaxRate maxRate = m == null || m.value == null ? null : maxRate(m, results.size());
        return new ResultsFile(name, workload, List.copyOf(results), tune, curve, maxRate);
    }

    private static MaxRate maxRate(Node m, int results) {
        List<MaxRateTarget> targets = new ArrayList<>();
        for (Node t : m.field("targets").array()) {
            List<MaxRateStep> steps = new ArrayList<>();
            for (Node s : t.field("steps").array()) {
                long result = s.field("result").count();
                s.field("result").index(result, results);
                steps.add(new MaxRateStep((int) result, s.field("rate").count(), s.field("meets").bool(), s.field("why").stringOrNull()));
            }
            Node acks = t.optionalField("acks");
            Node ended = t.optionalField("ended");
            targets.add(new MaxRateTarget(t.field("target").string(), t.field("max_rate").count(), t.field("ceiling").number(),
                    ended == null ? null : ended.stringOrNull(), acks == null ? null : acks.stringOrNull(), List.copyOf(steps)));
        }
        return new MaxRate(m.field("p99_target_us").number(), List.copyOf(targets));
    }

    private static Curve curve(Node c, int results) {
        List<CurvePoint> points = new ArrayList<>();
        for (Node p : c.field("points").array()) {
            long result = p.field("result").count();
            p.field("result").index(result, results);
            points.add(new CurvePoint((int) result, p.field("target").string(), (int) p.field("percent").count(), p.field("rate").count()));
        }
        return new Curve(c.field("p99_target_us").number(), List.copyOf(points));
    }

    private static Result result(Node r) {
        Node latency = r.field("latency_us");
        Map<String, String> details = new LinkedHashMap<>();
        Node d = r.optionalField("details");
        if (d != null && d.value != null) {
            for (String key : d.object().keySet()) {
                details.put(key, d.field(key).string());
            }
        }
        List<Double> timeline = new ArrayList<>();
        Node tl = r.optionalField("throughput_timeline");
        if (tl != null && tl.value != null) {
            for (Node point : tl.array()) {
                timeline.add(point.number());
            }
        }
        List<double[]> latencies = new ArrayList<>();
        Node lt = r.optionalField("latency_timeline");
        if (lt != null && lt.value != null) {
            for (Node second : lt.array()) {
                latencies.add(new double[] {second.field("p50").number(), second.field("p99").number(), second.field("max").number()});
            }
        }
        Node cannotSustain = r.optionalField("cannot_sustain");
        return new Result(r.field("target").string(), r.field("throughput_msgs").number(), r.field("throughput_mb").number(),
                latency.field("p50").number(), latency.field("p90").number(), latency.field("p99").number(),
                latency.field("p999").number(), latency.field("max").number(),
                r.field("sent").count(), r.field("acked").countOrNull(), r.field("received").count(), r.field("lost").count(),
                r.field("duplicated").count(), r.field("reordered").count(), r.field("elapsed_ms").number(),
                r.field("error").stringOrNull(), Collections.unmodifiableMap(details), List.copyOf(timeline), List.copyOf(latencies),
                cannotSustain == null ? null : cannotSustain.stringOrNull());
    }

    private static Tune tune(Node t, int results) {
        List<Trial> trials = new ArrayList<>();
        List<Node> ts = t.field("trials").array();
        if (ts.size() != results) {
            throw t.field("trials").wrong("has " + ts.size() + " trials, but there are " + results
                    + " results (trials[i] describes results[i])");
        }
        for (Node trial : ts) {
            trials.add(new Trial(trial.field("prefetch").count(), trial.field("concurrency").count(),
                    trial.field("batch_size").count(), trial.field("linger_ms").number(), trial.field("partitions").count(),
                    trial.field("meets_p99").bool()));
        }
        Node p99 = t.field("p99_target_us");
        Long recommended = t.field("recommended").countOrNull();
        long defaults = t.field("default").count();
        t.field("default").index(defaults, results);
        if (recommended != null) {
            t.field("recommended").index(recommended, results);
        }
        return new Tune(t.field("target").string(), p99.value == null ? null : p99.number(), (int) defaults,
                recommended == null ? null : recommended.intValue(), List.copyOf(trials));
    }

    /** A value of the parsed tree and its path, for messages. */
    private static final class Node {
        final String path;
        final Object value;

        Node(String path, Object value) {
            this.path = path;
            this.value = value;
        }

        Node field(String name) {
            Node n = optionalField(name);
            if (n == null) {
                throw new IllegalArgumentException(path + ": missing \"" + name + "\"");
            }
            return n;
        }

        Node optionalField(String name) {
            Map<String, Object> map = object();
            if (!map.containsKey(name)) {
                return null;
            }
            String p = path.equals("the top level") ? name : path + "." + name;
            return new Node(p, map.get(name));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object() {
            if (!(value instanceof Map)) {
                throw expected("an object");
            }
            return (Map<String, Object>) value;
        }

        List<Node> array() {
            if (!(value instanceof List<?> list)) {
                throw expected("an array");
            }
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                nodes.add(new Node(path + "[" + i + "]", list.get(i)));
            }
            return nodes;
        }

        String string() {
            if (!(value instanceof String s)) {
                throw expected("a string");
            }
            return s;
        }

        String stringOrNull() {
            if (value != null && !(value instanceof String)) {
                throw expected("a string or null");
            }
            return (String) value;
        }

        /** A number; null (how non-finite numbers are written) is NaN. */
        double number() {
            if (value == null) {
                return Double.NaN;
            }
            if (!(value instanceof Number n)) {
                throw expected("a number or null");
            }
            return n.doubleValue();
        }

        long count() {
            if (!(value instanceof Long n) || n < 0) {
                throw expected("a whole number >= 0");
            }
            return n;
        }

        Long countOrNull() {
            return value == null ? null : count();
        }

        boolean bool() {
            if (!(value instanceof Boolean b)) {
                throw expected("true or false");
            }
            return b;
        }

        void index(long i, int size) {
            if (i >= size) {
                throw wrong("is " + i + ", not an index into results (" + size + " of them)");
            }
        }

        IllegalArgumentException wrong(String what) {
            return new IllegalArgumentException(path + " " + what);
        }

        private IllegalArgumentException expected(String what) {
            return new IllegalArgumentException(path + ": expected " + what + ", found " + kind());
        }

        private String kind() {
            if (value == null) {
                return "null";
            }
            if (value instanceof Map) {
                return "an object";
            }
            if (value instanceof List) {
                return "an array";
            }
            if (value instanceof String) {
                return "a string";
            }
            if (value instanceof Boolean) {
                return String.valueOf(value);
            }
            return "the number " + value;
        }
    }
}
