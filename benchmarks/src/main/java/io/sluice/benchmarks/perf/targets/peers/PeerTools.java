package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.kafka.cluster.ChildJvm;
import io.sluice.kafka.cluster.ChildJvmException;
import io.sluice.kafka.cluster.TempDirectories;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The peers' own benchmark tools (RabbitMQ's PerfTest, Kafka's ProducerPerformance and ConsumerPerformance), which
 * {@code sluice-perf parity} runs beside its own drivers. The build copies them with their own dependencies into
 * {@code benchmarks/peer-tools/target/lib} (module {@code sluice-peer-tools}); each runs in a child JVM on that class
 * path ({@link ChildJvm}), as its users run it, with its logging at WARN.
 */
public final class PeerTools {
    /** Where the build puts the tools, relative to the {@code benchmarks} folder. */
    public static final String LIB = "peer-tools/target/lib";

    private final Path lib;

    private PeerTools(Path lib) {
        this.lib = lib;
    }

    /**
     * The tools in {@code dir}, or when it is null where the build puts them: next to this tool's jar
     * ({@code benchmarks/target/sluice-perf.jar}) or its classes ({@code benchmarks/target/classes}).
     *
     * @throws TargetUnavailableException naming where it looked, when the tools are not there
     */
    public static PeerTools find(Path dir) {
        List<Path> tried = new ArrayList<>();
        if (dir != null) {
            tried.add(dir);
        } else {
            try {
                Path here = Path.of(PeerTools.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                for (Path p = here.getParent(); p != null && tried.size() < 3; p = p.getParent()) {
                    tried.add(p.resolve(LIB)); // benchmarks/target/x -> benchmarks/target -> benchmarks
                }
            } catch (URISyntaxException | RuntimeException e) {
                tried.add(Path.of("benchmarks", LIB));
            }
        }
        for (Path p : tried) {
            if (Files.isDirectory(p)) {
                return new PeerTools(p.toAbsolutePath().normalize());
            }
        }
        throw new TargetUnavailableException("the peers' own tools are not built: looked in " + tried.stream()
                .map(Path::toString).collect(Collectors.joining(", ")) + " (mvn -B -DskipTests package builds them, or"
                + " give --tools DIR)", null);
    }

    /** The folder of jars. */
    public Path lib() {
        return lib;
    }

    /**
     * Starts {@code main} of the tools with {@code args} in a child JVM with {@code flags} (plus logging at WARN), in
     * a new temporary directory; its standard output and error go to {@code tool.log} there.
     */
    public ChildJvm start(String subject, List<String> flags, String main, List<String> args) {
        try {
            return start(subject, flags, classPath(), main, args);
        } catch (IOException e) {
            throw new TargetUnavailableException(subject + ": cannot list its jars in " + lib + ": " + e, e);
        }
    }

    /**
     * Runs a reference loop of this tool's own ({@code main}, on this JVM's class path) to its end in a child JVM, as the
     * peers' tools run, and returns its output lines; see {@link #run}.
     */
    public static List<String> runReference(String subject, List<String> flags, Class<?> main, List<String> args, Duration timeout) {
        try (ChildJvm child = start(subject, flags, ChildJvm.absoluteClassPath(), main.getName(), args)) {
            return finish(child, subject, timeout);
        }
    }

    private static ChildJvm start(String subject, List<String> flags, String classPath, String main, List<String> args) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sluice-perf-tool-");
            Path logback = dir.resolve("logback.xml");
            Files.writeString(logback, "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                    + "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder></appender>"
                    + "<root level=\"WARN\"><appender-ref ref=\"out\"/></root></configuration>", StandardCharsets.UTF_8);
            List<String> all = new ArrayList<>(flags);
            all.add("-Dlogback.configurationFile=" + logback);
            return ChildJvm.start(subject, dir, "tool.log", all, classPath, main, args);
        } catch (IOException e) {
            TempDirectories.delete(dir);
            throw new TargetUnavailableException(subject + ": cannot start it in a child JVM: " + e, e);
        }
    }

    /**
     * Runs {@code main} to its end (at most {@code timeout}) and returns its output lines.
     *
     * @throws TargetUnavailableException when it fails (exit code not 0) or runs too long; naming the end of its log
     */
    public List<String> run(String subject, List<String> flags, String main, List<String> args, Duration timeout) {
        try (ChildJvm tool = start(subject, flags, main, args)) {
            return finish(tool, subject, timeout);
        }
    }

    /** Waits for a started tool to end and returns its output lines; see {@link #run}. */
    public static List<String> finish(ChildJvm tool, String subject, Duration timeout) {
        int exit;
        try {
            exit = tool.waitFor(timeout);
        } catch (ChildJvmException e) {
            throw new TargetUnavailableException(e.getMessage(), e); // names the tool and ends with its log's tail
        }
        if (exit != 0) {
            throw new TargetUnavailableException(subject + " exited with code " + exit + "; the end of its log:\n"
                    + tool.logTail(), null);
        }
        return tool.logLines();
    }

    private String classPath() throws IOException {
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator));
        }
    }
}
