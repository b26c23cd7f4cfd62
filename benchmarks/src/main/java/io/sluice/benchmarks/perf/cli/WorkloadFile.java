package io.sluice.benchmarks.perf.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * A workload as a file ({@code --workload FILE}): Java properties whose keys are the long option names without
 * their dashes, e.g.
 * <pre>
 * size=1024
 * duration=30s
 * partitions=8
 * keys=1000
 * </pre>
 * or, when its name ends in {@code .yaml} or {@code .yml}, a workload of the OpenMessaging Benchmark, whose fields map
 * onto the same option values ({@link OmbWorkload}). The file supplies the defaults of the options; options on the
 * command line override it. One file may serve several commands (a {@code targets} key is for {@code compare}, and
 * {@code run} ignores it), but a key that no command knows is an error naming the key, so a typo never silently runs
 * the default instead.
 */
final class WorkloadFile implements CommandLine.IDefaultValueProvider {
    static final String OPTION = "--workload";

    private final Path file;
    private final Map<String, String> values;
    /** The OMB workload the values come from, or null for a properties file. */
    private final OmbWorkload omb;

    private WorkloadFile(Path file, Map<String, String> values, OmbWorkload omb) {
        this.file = file;
        this.values = values;
        this.omb = omb;
    }

    /**
     * Makes the file named by {@code --workload} in {@code args}, if any, supply the defaults of {@code cl}'s
     * options (and its subcommands'). A file that cannot be read or mapped is reported when the command checks its
     * options ({@link #check}), as a one-line error.
     */
    static void install(CommandLine cl, String... args) {
        Path file = fileIn(args);
        if (file == null) {
            return;
        }
        try {
            cl.setDefaultValueProvider(read(file));
        } catch (IllegalArgumentException e) {
            // check() reads it again and names the problem
        }
    }

    /**
     * Reads {@code file}: an OMB workload when it is named {@code .yaml}/{@code .yml}, else properties.
     *
     * @throws IllegalArgumentException starting with {@code --workload} and naming the problem
     */
    private static WorkloadFile read(Path file) {
        if (OmbWorkload.isOmb(file)) {
            OmbWorkload omb = OmbWorkload.read(file);
            return new WorkloadFile(file, omb.options(), omb);
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(OPTION + " " + file + ": cannot read it: " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key));
        }
        return new WorkloadFile(file, values, null);
    }

    /** The value of {@code --workload FILE} or {@code --workload=FILE}, or null. */
    private static Path fileIn(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(OPTION + "=")) {
                return Path.of(args[i].substring(OPTION.length() + 1));
            }
        }
        return null;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return values.get(key(o));
        }
        return null;
    }

    /** The workload file that supplies {@code command}'s option defaults, or null. */
    static WorkloadFile of(CommandSpec command) {
        return command.commandLine().getDefaultValueProvider() instanceof WorkloadFile f ? f : null;
    }

    /** True when {@code command}'s option {@code option} (e.g. {@code --linger}) takes its value from a workload file. */
    static boolean supplies(CommandSpec command, String option) {
        WorkloadFile f = of(command);
        OptionSpec o = command.findOption(option);
        return f != null && o != null && f.values.containsKey(key(o));
    }

    /**
     * Where {@code command}'s option {@code option} takes its value from, e.g. {@code messageSize in omb.yaml}, or null
     * when no workload file sets it.
     */
    static String origin(CommandSpec command, String option) {
        if (!supplies(command, option)) {
            return null;
        }
        WorkloadFile f = of(command);
        String key = key(command.findOption(option));
        return (f.omb == null ? key : f.omb.fieldOf(key)) + " in " + f.file;
    }

    /** The OMB workload's name and this file, e.g. {@code OMB workload 'max rate' (omb.yaml)}, or null for properties. */
    String title() {
        return omb == null ? null : "OMB workload '" + omb.name() + "' (" + file + ")";
    }

    /** Where sluice-perf runs a field of the OMB workload differently from OMB, one sentence each. */
    List<String> notes() {
        return omb == null ? List.of() : omb.notes();
    }

    private static String key(OptionSpec o) {
        return o.longestName().replaceFirst("^-+", "");
    }

    /**
     * Checks {@code file} for {@code command}: it can be read (and, for OMB, mapped), and every key names an option of
     * one of the commands of {@code sluice-perf}.
     *
     * @throws IllegalArgumentException starting with {@code --workload} and naming the problem
     */
    static void check(Path file, CommandSpec command) {
        WorkloadFile read = read(file);
        TreeSet<String> known = new TreeSet<>();
        for (CommandLine sub : command.root().subcommands().values()) {
            for (OptionSpec o : sub.getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp() && !o.longestName().equals(OPTION)) {
                    known.add(key(o));
                }
            }
        }
        for (String key : new TreeSet<>(read.values.keySet())) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(OPTION + " " + file + ": unknown key '" + key + "'; known keys: "
                        + String.join(", ", List.copyOf(known)));
            }
        }
    }

    @Override
    public String toString() {
        return "workload file " + file;
    }
}
