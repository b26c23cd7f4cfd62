package io.sluice.benchmarks.perf.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
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
 * The file supplies the defaults of the options; options on the command line override it. One file may serve
 * several commands (a {@code targets} key is for {@code compare}, and {@code run} ignores it), but a key that no
 * command knows is an error naming the key, so a typo never silently runs the default instead.
 */
final class WorkloadFile implements CommandLine.IDefaultValueProvider {
    static final String OPTION = "--workload";

    private final Path file;
    private final Properties properties;

    private WorkloadFile(Path file, Properties properties) {
        this.file = file;
        this.properties = properties;
    }

    /**
     * Makes the file named by {@code --workload} in {@code args}, if any, supply the defaults of {@code cl}'s
     * options (and its subcommands'). An unreadable file is reported when the command checks its options
     * ({@link #check}), as a one-line error.
     */
    static void install(CommandLine cl, String... args) {
        Path file = fileIn(args);
        if (file == null) {
            return;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return; // check() reads it again and names the problem
        }
        cl.setDefaultValueProvider(new WorkloadFile(file, properties));
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
            return properties.getProperty(key(o));
        }
        return null;
    }

    /** True when {@code command}'s option {@code option} (e.g. {@code --linger}) takes its value from a workload file. */
    static boolean supplies(CommandSpec command, String option) {
        if (command.commandLine().getDefaultValueProvider() instanceof WorkloadFile f) {
            OptionSpec o = command.findOption(option);
            return o != null && f.properties.containsKey(key(o));
        }
        return false;
    }

    private static String key(OptionSpec o) {
        return o.longestName().replaceFirst("^-+", "");
    }

    /**
     * Checks {@code file} for {@code command}: it can be read, and every key names an option of one of the
     * commands of {@code sluice-perf}.
     *
     * @throws IllegalArgumentException starting with {@code --workload} and naming the problem
     */
    static void check(Path file, CommandSpec command) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(OPTION + " " + file + ": cannot read it: " + e.getMessage());
        }
        TreeSet<String> known = new TreeSet<>();
        for (CommandLine sub : command.root().subcommands().values()) {
            for (OptionSpec o : sub.getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp() && !o.longestName().equals(OPTION)) {
                    known.add(key(o));
                }
            }
        }
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
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
