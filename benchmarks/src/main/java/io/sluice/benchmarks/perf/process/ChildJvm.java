package io.sluice.benchmarks.perf.process;

import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A server the tool runs in a child JVM (the Kafka broker, a Sluice node), so that its CPU time and garbage
 * collection are its own and not the measuring JVM's.
 *
 * <p>The child runs a main class from this JVM's own class path (the shaded jar, or the test class path), in a
 * temporary directory that also holds its log (the child's standard output and error). {@link #close} stops it (a
 * SIGTERM, then a kill if it takes too long) and deletes the directory. A shutdown hook does the same when this JVM
 * ends first (Ctrl-C), and a child that calls {@link #exitWithParent} exits by itself when this process is gone
 * (even after a {@code kill -9}).
 */
public final class ChildJvm implements AutoCloseable {
    /**
     * The heap of Kafka's {@code kafka-server-start.sh} and the GC flags of its {@code kafka-run-class.sh}: the Kafka
     * broker and the peers' tools run with them. The Sluice node takes the same heap with a small young generation
     * (its memory log lives on the heap, see {@code NodeProcess.JVM_FLAGS}).
     */
    public static final List<String> SERVER_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");
    /** The system property that tells the child this process's id. */
    private static final String PARENT_PID = "sluice.perf.parent.pid";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 15;

    private final String subject;
    private final Process process;
    private final Path dir;
    private final Path log;
    private final Thread shutdownHook;
    private boolean closed;

    private ChildJvm(String subject, Process process, Path dir, Path log) {
        this.subject = subject;
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "sluice-perf-child-jvm-stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code main} with {@code args} in a child JVM with {@code flags}, in {@code dir} (which the child owns
     * from now on: {@link #close} deletes it), its standard output and error going to {@code dir/logName}.
     *
     * @param subject what runs there, for messages: {@code "kafka: the broker"}
     */
    public static ChildJvm start(String subject, Path dir, String logName, List<String> flags, Class<?> main, List<String> args)
            throws IOException {
        return start(subject, dir, logName, flags, absoluteClassPath(), main.getName(), args);
    }

    /**
     * As {@link #start(String, Path, String, List, Class, List)}, with another class path: a peer's own tool
     * ({@code PeerTools}) runs on its own dependencies, not this JVM's.
     */
    public static ChildJvm start(String subject, Path dir, String logName, List<String> flags, String classPath, String main,
                          List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(flags);
        command.add("-D" + PARENT_PID + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(classPath);
        command.add(main);
        command.addAll(args);
        Path log = dir.resolve(logName);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new ChildJvm(subject, process, dir, log);
    }

    /** The child JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** The temporary directory the child runs in. */
    public Path dir() {
        return dir;
    }

    /** The child's standard output and error. */
    public Path log() {
        return log;
    }

    /**
     * Waits until {@code ready} gives a value (it is asked about every 100 ms) and returns it.
     *
     * @param awaited what the child has not done when the time is up: {@code "accept connections at 127.0.0.1:9092"}
     * @throws TargetUnavailableException when the child exits first or {@code timeout} passes; the message ends with
     *                                    the tail of its log
     */
    public <T> T await(Supplier<Optional<T>> ready, Duration timeout, String awaited) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            if (!process.isAlive()) {
                throw new TargetUnavailableException(subject + "'s child JVM exited with code " + process.exitValue()
                        + " while starting; the end of its log " + log + ":\n" + logTail(), null);
            }
            Optional<T> value = ready.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TargetUnavailableException(subject + " in a child JVM did not " + awaited + " within "
                        + Durations.format(timeout) + "; the end of its log:\n" + logTail(), null);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS); // a pause that ends early if the child exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException(subject + ": interrupted while starting", e);
            }
        }
    }

    /**
     * Waits for the child to exit by itself (a tool that ends when its work is done) and returns its exit code.
     *
     * @throws TargetUnavailableException when it runs longer than {@code timeout} (it is then stopped); the message ends
     *                                    with the tail of its log
     */
    public int waitFor(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException(subject + ": interrupted while it ran", e);
        }
        String tail = logTail();
        stop();
        throw new TargetUnavailableException(subject + " did not finish within " + Durations.format(timeout)
                + "; the end of its log:\n" + tail, null);
    }

    /** The lines of the log so far (none when it cannot be read). */
    public List<String> logLines() {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** The last lines of the log. */
    public String logTail() {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> all = lines.collect(Collectors.toList());
            return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the child and deletes its directory; idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // this JVM is shutting down: the hook is running or has run
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        TempDirectories.delete(dir);
    }

    /**
     * In the child: exits this JVM when the process that started it is gone (at once if it already is). A child's
     * main calls it first, so that no server outlives the tool, whatever ended it.
     *
     * @param what what is stopped, for the log line: {@code "the broker"}
     */
    public static void exitWithParent(String what) {
        String pid = System.getProperty(PARENT_PID);
        if (pid == null) {
            return; // started by hand
        }
        long parent = Long.parseLong(pid);
        ProcessHandle.of(parent).ifPresentOrElse(p -> p.onExit().thenRun(() -> {
            System.err.println("sluice-perf: the parent process " + parent + " is gone; stopping " + what);
            System.exit(0);
        }), () -> System.exit(0));
    }

    /** This JVM's class path with absolute entries: the child runs in its own directory ({@code java -jar} gives a relative one). */
    public static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
