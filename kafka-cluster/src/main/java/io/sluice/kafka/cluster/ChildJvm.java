package io.sluice.kafka.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A server run in a child JVM (a Kafka node, the perf lab's Sluice node, a peer's benchmark tool), so that its CPU time
 * and garbage collection are its own and not the JVM's that measures or tests it, and so that it can be killed as a
 * crash would kill it.
 *
 * <p>The child runs a main class from this JVM's own class path (the shaded jar, or the test class path), or from
 * another one, in a directory that also holds its log (the child's standard output and error). {@link #close} stops
 * it (a SIGTERM, then a kill if it takes too long) and deletes the directory. A shutdown hook does the same when this
 * JVM ends first (Ctrl-C), and a child that calls {@link #exitWithParent} exits by itself when this process is gone
 * (even after a {@code kill -9}).
 *
 * <p>Between start and close the child can be {@linkplain #kill() killed} or {@linkplain #stop() stopped} and then
 * {@linkplain #restart() restarted}: the same command in the same directory, its output appended to the same log, so
 * that a server comes back on the data it left.
 */
public final class ChildJvm implements AutoCloseable {
    /**
     * The heap of Kafka's {@code kafka-server-start.sh} and the GC flags of its {@code kafka-run-class.sh}: the perf
     * lab's Kafka broker and the peers' tools run with them. The perf lab's Sluice node takes the same heap with a small
     * young generation (its memory log lives on the heap, see {@code NodeProcess.JVM_FLAGS}).
     */
    public static final List<String> SERVER_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");
    /** The system property that tells the child this process's id (named when the perf lab was its only user). */
    private static final String PARENT_PID = "sluice.perf.parent.pid";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 15;

    private final String subject;
    private final List<String> command;
    private final Path dir;
    private final Path log;
    private final Thread shutdownHook;
    private volatile Process process;
    private boolean closed;

    private ChildJvm(String subject, List<String> command, Process process, Path dir, Path log) {
        this.subject = subject;
        this.command = command;
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.shutdownHook = new Thread(this::shutDown, "sluice-child-jvm-stop-" + process.pid());
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
     * As {@link #start(String, Path, String, List, Class, List)}, with another class path: a peer's own tool runs on its
     * own dependencies, not this JVM's.
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
        Process process = launch(command, dir, Redirect.to(log.toFile()));
        return new ChildJvm(subject, List.copyOf(command), process, dir, log);
    }

    private static Process launch(List<String> command, Path dir, Redirect output) throws IOException {
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output).start();
    }

    /** The child JVM's process id (of the latest start when it was restarted). */
    public long pid() {
        return process.pid();
    }

    /** Whether the child JVM runs (it has not exited, been killed or stopped since its latest start). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The directory the child runs in. */
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
     * @throws ChildJvmException when the child exits first or {@code timeout} passes; the message ends with the tail
     *                           of its log
     */
    public <T> T await(Supplier<Optional<T>> ready, Duration timeout, String awaited) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            Process p = process;
            if (!p.isAlive()) {
                throw new ChildJvmException(subject + "'s child JVM exited with code " + p.exitValue()
                        + " while starting; the end of its log " + log + ":\n" + logTail(), null);
            }
            Optional<T> value = ready.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ChildJvmException(subject + " in a child JVM did not " + awaited + " within "
                        + format(timeout) + "; the end of its log:\n" + logTail(), null);
            }
            try {
                p.waitFor(100, TimeUnit.MILLISECONDS); // a pause that ends early if the child exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChildJvmException(subject + ": interrupted while starting", e);
            }
        }
    }

    /**
     * Waits for the child to exit by itself (a tool that ends when its work is done) and returns its exit code.
     *
     * @throws ChildJvmException when it runs longer than {@code timeout} (it is then stopped); the message ends with the
     *                           tail of its log
     */
    public int waitFor(Duration timeout) {
        Process p = process;
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return p.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChildJvmException(subject + ": interrupted while it ran", e);
        }
        String tail = logTail();
        shutDown();
        throw new ChildJvmException(subject + " did not finish within " + format(timeout)
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

    /**
     * Kills the child at once (SIGKILL: no shutdown hook, no flush, as a crash or {@code kill -9}) and returns once it is
     * gone. Its directory stays, for {@link #restart}; nothing happens when it is not running.
     */
    public synchronized void kill() {
        Process p = process;
        p.destroyForcibly();
        awaitExit(p);
    }

    /**
     * Stops the child in order (a SIGTERM, which runs its shutdown hooks: Kafka's orderly shutdown), killing it if that
     * takes longer than 20 s, and returns once it is gone. Its directory stays, for {@link #restart}.
     */
    public synchronized void stop() {
        Process p = process;
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                awaitExit(p);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the child again after it {@linkplain #kill() was killed}, {@linkplain #stop() stopped} or exited: the same
     * command (flags, class path, main class and arguments) in the same directory, its output appended to the same log
     * after a line saying so. Await its readiness again with {@link #await}.
     *
     * @throws IllegalStateException when it still runs, or was closed
     */
    public synchronized void restart() throws IOException {
        if (closed) {
            throw new IllegalStateException(subject + " was closed: its directory is gone");
        }
        if (process.isAlive()) {
            throw new IllegalStateException(subject + " still runs (pid " + process.pid() + "): kill or stop it first");
        }
        Files.writeString(log, String.format(Locale.ROOT, "%n---- %s: restarted at %s (the previous run, pid %d, exited with %d) ----%n",
                subject, Instant.now(), process.pid(), process.exitValue()), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        process = launch(command, dir, Redirect.appendTo(log.toFile()));
    }

    /** Stops the child and deletes its directory; idempotent. */
    @Override
    public void close() {
        shutDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // this JVM is shutting down: the hook is running or has run
        }
    }

    private synchronized void shutDown() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        TempDirectories.delete(dir);
    }

    private static void awaitExit(Process p) {
        try {
            p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code 60s}, or {@code 250ms} for a duration that is not whole seconds. */
    private static String format(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /**
     * In the child: exits this JVM when the process that started it is gone (at once if it already is). A child's
     * main calls it first, so that no server outlives its parent, whatever ended it.
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
            System.err.println("sluice child JVM: the parent process " + parent + " is gone; stopping " + what);
            System.exit(0);
        }), () -> System.exit(0));
    }

    /** This JVM's class path with absolute entries: the child runs in its own directory ({@code java -jar} gives a relative one). */
    public static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
