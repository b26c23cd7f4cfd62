package io.sluice.benchmarks.perf.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A workload file of the OpenMessaging Benchmark (OMB, {@code --workload FILE.yaml}), read as the values of the
 * options a properties workload file would set: {@code partitionsPerTopic: 16} becomes {@code partitions=16},
 * {@code testDurationMinutes: 15} {@code duration=15m}, and so on (the README's table has every field). So the command
 * line still overrides it, and one file runs both in OMB and here.
 *
 * <p>What sluice-perf cannot run as OMB would (several topics, a backlog built before consuming, randomized payloads)
 * and what OMB does not know (an unknown field, a bad value) are refused together, in one line naming every such field
 * with its line and why. Where the lab runs a field differently from OMB, {@link #notes()} says how, for the output.
 */
final class OmbWorkload {
    /** The distinct keys of OMB's {@code KEY_ROUND_ROBIN} and {@code RANDOM_NANO} key distributors (its key pool). */
    static final int OMB_KEYS = 10_000;

    /** OMB's workload fields (its {@code Workload} class), in its order. */
    private static final List<String> FIELDS = List.of("name", "topics", "partitionsPerTopic", "keyDistributor",
            "messageSize", "useRandomizedPayloads", "randomBytesRatio", "randomizedPayloadPoolSize", "payloadFile",
            "subscriptionsPerTopic", "producersPerTopic", "consumerPerSubscription", "producerRate",
            "consumerBacklogSizeGB", "backlogDrainRatio", "testDurationMinutes", "warmupDurationMinutes");
    /** The fields OMB's own files always give: OMB would run with 0 (no topic, no producer, forever) without them. */
    private static final List<String> REQUIRED = List.of("topics", "partitionsPerTopic", "messageSize",
            "subscriptionsPerTopic", "producersPerTopic", "consumerPerSubscription", "producerRate", "testDurationMinutes");
    /** OMB's warm-up when a file does not give {@code warmupDurationMinutes}. */
    private static final long OMB_WARMUP_MINUTES = 1;
    private static final Pattern WHOLE = Pattern.compile("[-+]?\\d+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final Path file;
    private final Map<String, ScalarNode> fields;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, String> fieldOfOption = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final String name;

    private OmbWorkload(Path file, Map<String, ScalarNode> fields, List<Problem> problems) {
        this.file = file;
        this.fields = fields;
        this.problems.addAll(problems);
        for (String field : REQUIRED) {
            if (!fields.containsKey(field)) {
                this.problems.add(new Problem(Problem.MISSING, field + ": missing (OMB would run with 0)"));
            }
        }
        String given = fields.containsKey("name") ? fields.get("name").getValue().strip() : "";
        name = given.isEmpty() ? String.valueOf(file.getFileName()) : given;
        map();
    }

    /** True when {@code file} is named as a YAML file ({@code .yaml}, {@code .yml}): an OMB workload. */
    static boolean isOmb(Path file) {
        String n = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /**
     * Reads {@code file} as an OMB workload.
     *
     * @throws IllegalArgumentException one line starting with {@code --workload FILE}: the file cannot be read, is not
     *                                  YAML (the line and column), or names every field that cannot map and why
     */
    static OmbWorkload read(Path file) {
        Map<String, ScalarNode> fields = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (NodeTuple t : mapping(file).getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
            int line = line(t.getKeyNode());
            String at = " (line " + line + ")";
            if (key == null || !FIELDS.contains(key)) {
                unknown.add((key == null ? "a key that is not a name" : "'" + key + "'") + at);
            } else if (fields.containsKey(key)) {
                problems.add(new Problem(line, key + at + ": given twice"));
            } else if (t.getValueNode() instanceof ScalarNode value) {
                fields.put(key, value);
            } else {
                problems.add(new Problem(line, key + at + ": expected one value, found a " + t.getValueNode().getNodeId()));
            }
        }
        if (!unknown.isEmpty()) {
            problems.add(new Problem(Problem.UNKNOWN, "unknown field" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (OMB's fields: " + String.join(", ", FIELDS) + ")"));
        }
        OmbWorkload workload = new OmbWorkload(file, fields, problems);
        if (!workload.problems.isEmpty()) {
            throw new IllegalArgumentException(WorkloadFile.OPTION + " " + file + ": cannot run this OMB workload: "
                    + workload.problems.stream().sorted(Comparator.comparingInt(Problem::line)).map(Problem::text)
                            .collect(Collectors.joining("; ")));
        }
        return workload;
    }

    /** The document of {@code file}: a mapping of field names to values. */
    private static MappingNode mapping(Path file) {
        Node root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(in);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new IllegalArgumentException(WorkloadFile.OPTION + " " + file + ": not valid YAML" + where + ": "
                    + oneLine(problem));
        } catch (IOException | YAMLException e) {
            throw new IllegalArgumentException(WorkloadFile.OPTION + " " + file + ": cannot read it: " + oneLine(e.getMessage()));
        }
        if (root instanceof MappingNode m) {
            return m;
        }
        throw new IllegalArgumentException(WorkloadFile.OPTION + " " + file + ": expected an OMB workload (lines of"
                + " 'field: value'), found " + (root == null ? "nothing" : "a " + root.getNodeId() + " at line " + line(root)));
    }

    /** Maps every field given onto an option, or says why it cannot. */
    private void map() {
        Long topics = whole("topics");
        if (topics != null && topics != 1) {
            problem("topics", "sluice-perf runs one topic, was " + topics);
        }
        option("partitionsPerTopic", "partitions", whole("partitionsPerTopic"));
        Long size = whole("messageSize");
        option("messageSize", "size", size);
        option("subscriptionsPerTopic", "groups", whole("subscriptionsPerTopic"));
        option("consumerPerSubscription", "consumers", whole("consumerPerSubscription"));
        option("producersPerTopic", "producers", whole("producersPerTopic"));
        Long rate = whole("producerRate");
        option("producerRate", "rate", rate);
        if (rate != null && rate == 0) {
            notes.add("producerRate 0: OMB searches for the highest rate its consumers keep up with; sluice-perf sends as"
                    + " fast as the target accepts, at most --max-backlog x --partitions records in flight");
        }
        Long minutes = whole("testDurationMinutes");
        if (minutes != null && minutes < 1) {
            problem("testDurationMinutes", minutes == 0 ? "0 runs until stopped in OMB; sluice-perf needs an end (1 or more"
                    + " minutes, or --duration)" : "must be at least 1, was " + minutes);
        } else if (minutes != null) {
            option("testDurationMinutes", "duration", minutes + "m");
        }
        Long warmup = fields.containsKey("warmupDurationMinutes") ? whole("warmupDurationMinutes")
                : Long.valueOf(OMB_WARMUP_MINUTES);
        if (warmup != null && warmup < 0) {
            problem("warmupDurationMinutes", "must be 0 or more, was " + warmup);
        } else if (warmup != null) {
            option("warmupDurationMinutes", "warmup", warmup + "m");
        }
        keys();
        Long backlog = whole("consumerBacklogSizeGB");
        if (backlog != null && backlog != 0) {
            problem("consumerBacklogSizeGB", "sluice-perf consumes while it produces and cannot hold consumers back to"
                    + " build a backlog first, was " + backlog);
        }
        number("backlogDrainRatio"); // OMB reads it only with a backlog, which is refused above
        if (Boolean.TRUE.equals(bool("useRandomizedPayloads"))) {
            problem("useRandomizedPayloads", "sluice-perf's values carry their sequence number and send time, then zeros,"
                    + " not random bytes");
        }
        number("randomBytesRatio"); // OMB reads these two only with useRandomizedPayloads
        whole("randomizedPayloadPoolSize");
        payloadFile(size);
    }

    /** {@code keyDistributor}: keyless, or OMB's {@value #OMB_KEYS} keys. */
    private void keys() {
        if (!fields.containsKey("keyDistributor")) {
            option("keyDistributor", "keys", "0"); // OMB's default, NO_KEY
            return;
        }
        String distributor = fields.get("keyDistributor").getValue().strip();
        switch (distributor) {
            case "NO_KEY" -> option("keyDistributor", "keys", "0");
            case "KEY_ROUND_ROBIN", "RANDOM_NANO" -> {
                option("keyDistributor", "keys", Integer.toString(OMB_KEYS));
                notes.add(String.format(Locale.ROOT, "keyDistributor %s: %,d keys as OMB's, each record's key a function"
                        + " of its sequence number, spread uniformly (OMB %s)", distributor, OMB_KEYS,
                        distributor.equals("RANDOM_NANO") ? "picks one by System.nanoTime()" : "takes them in turn"));
            }
            default -> problem("keyDistributor", "unknown '" + distributor + "'; OMB's: NO_KEY, KEY_ROUND_ROBIN, RANDOM_NANO");
        }
    }

    /** {@code payloadFile}, relative to the workload file's directory: it must hold {@code messageSize} bytes, as OMB checks. */
    private void payloadFile(Long size) {
        if (!fields.containsKey("payloadFile")) {
            return;
        }
        String given = fields.get("payloadFile").getValue().strip();
        Path dir = file.toAbsolutePath().getParent();
        Path payload = dir.resolve(given).normalize();
        if (!Files.isRegularFile(payload)) {
            problem("payloadFile", "no such file " + payload);
            return;
        }
        long bytes;
        try {
            bytes = Files.size(payload);
        } catch (IOException e) {
            problem("payloadFile", "cannot read " + payload + ": " + oneLine(e.getMessage()));
            return;
        }
        if (size != null && bytes != size) {
            problem("payloadFile", given + " has " + bytes + " bytes but messageSize is " + size + " (OMB refuses that too)");
        } else if (size != null) {
            notes.add("payloadFile " + given + ": its " + bytes + " bytes match messageSize but are not sent: every value"
                    + " carries its sequence number and send time, then zeros");
        }
    }

    /** Sets option {@code option} to {@code value} (when not null), as field {@code field} says. */
    private void option(String field, String option, Object value) {
        if (value != null) {
            options.put(option, value.toString());
            fieldOfOption.put(option, field);
        }
    }

    /** The whole number {@code field} gives (an int, as OMB reads it; a long for consumerBacklogSizeGB), or null. */
    private Long whole(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        if (WHOLE.matcher(text).matches()) {
            try {
                long value = Long.parseLong(text);
                if (field.equals("consumerBacklogSizeGB") || value == (int) value) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // too large: said below
            }
        }
        problem(field, "expected a whole number" + (field.equals("consumerBacklogSizeGB") ? "" : " up to " + Integer.MAX_VALUE)
                + ", was '" + text + "'");
        return null;
    }

    /** Checks that {@code field}, when given, is a number. */
    private void number(String field) {
        String text = text(field);
        if (text != null && !NUMBER.matcher(text).matches()) {
            problem(field, "expected a number, was '" + text + "'");
        }
    }

    /** The boolean {@code field} gives, or null. */
    private Boolean bool(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        problem(field, "expected true or false, was '" + text + "'");
        return null;
    }

    private String text(String field) {
        ScalarNode node = fields.get(field);
        return node == null ? null : node.getValue().strip();
    }

    private void problem(String field, String message) {
        ScalarNode node = fields.get(field);
        problems.add(node == null ? new Problem(Problem.MISSING, field + ": " + message)
                : new Problem(line(node), field + " (line " + line(node) + "): " + message));
    }

    /** What is wrong with the file, at {@code line}: the problems are listed in the order of the file, then the rest. */
    private record Problem(int line, String text) {
        static final int MISSING = Integer.MAX_VALUE - 1;
        static final int UNKNOWN = Integer.MAX_VALUE;
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s+", " ");
    }

    /** The workload's {@code name}, or the file's name when it has none. */
    String name() {
        return name;
    }

    /** The values of the options the file sets, by long option name without dashes, e.g. {@code partitions=16}. */
    Map<String, String> options() {
        return options;
    }

    /** The OMB field that sets {@code option} (a long option name without dashes), or null. */
    String fieldOf(String option) {
        return fieldOfOption.get(option);
    }

    /** Where sluice-perf runs a field of this file differently from OMB, one sentence each. */
    List<String> notes() {
        return notes;
    }
}
