package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a workload against a target: opens it, runs a warm-up phase (not measured) and the measured phase in
 * this JVM, each with a fresh {@link Probe} and {@link PayloadSource}, and closes it.
 *
 * <p>A phase ends when every sent record has been received and acknowledged, when the target fails, or when
 * nothing has been sent or received for {@code drainTimeout} (then the missing records count as lost and the
 * result says so). The calling thread waits (it must not be a Reactor non-blocking thread) and prints a
 * progress line every second to {@code progress}, if given.
 */
public final class PerfRunner {
    /**
     * How the runner runs phases.
     *
     * @param warmup       the unmeasured phase before the measured one; zero skips it
     * @param drainTimeout how long a phase may go without any record sent or received before it is cut short
     * @param tick         the pacing period of fixed-rate runs
     * @param progress     where progress lines go, or null
     */
    public record Settings(Duration warmup, Duration drainTimeout, Duration tick, PrintWriter progress) {
        public Settings {
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("--warmup must be >= 0, was " + warmup);
            }
            if (drainTimeout.isNegative() || drainTimeout.isZero()) {
                throw new IllegalArgumentException("--drain-timeout must be positive, was " + drainTimeout);
            }
            if (tick.compareTo(Duration.ofNanos(10_000)) < 0) {
                throw new IllegalArgumentException("--tick must be at least 10us, was " + Durations.format(tick));
            }
        }

        /** 2 s warm-up, 10 s drain timeout, 1 ms tick, no progress output. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMillis(1), null);
        }

        public Settings withWarmup(Duration warmup) {
            return new Settings(warmup, drainTimeout, tick, progress);
        }

        public Settings withProgress(PrintWriter progress) {
            return new Settings(warmup, drainTimeout, tick, progress);
        }
    }

    /** The warm-up runs at most this many times {@code --warmup}, when the rate keeps rising. */
    static final int WARMUP_CAP = 4;
    /**
     * The warm-up's rate has settled when its last window received less than this many times the window before; a
     * window is a third of {@code --warmup}, 1 to 10 s (per-second rates of a broker on 2 vCPUs swing 3x, so the
     * windows must be long).
     */
    static final double SETTLE_RISE = 1.10;
    static final int MAX_SETTLE_WINDOW_SECONDS = 10;
    private static final String WARM_UP = "warm-up";

    private final Settings settings;
    private Duration lastWarmup = Duration.ZERO;

    public PerfRunner(Settings settings) {
        this.settings = settings;
    }

    /** Runs {@code workload} against {@code target} (validated, opened and closed here). Never throws for a failed run. */
    public RunResult run(Target target, Workload workload) {
        return runSteps(target, previous -> previous == null ? workload : null, Duration.ZERO).get(0);
    }

    /**
     * Runs measured phases one after another on one opening of {@code target}, after one warm-up, as a search over
     * rates needs ({@code max-rate}): the first phase runs {@code steps.apply(null)}, each next one what {@code steps}
     * returns for the previous phase's result, until it returns null. Before every phase but the first an unmeasured
     * phase of {@code settle} runs the same workload, so that each measured phase begins at its own rate. The warm-up
     * runs the first phase's workload. Never throws for a failed run: a failed phase is the last result.
     */
    public List<RunResult> runSteps(Target target, Function<RunResult, Workload> steps, Duration settle) {
        Workload first = steps.apply(null);
        try {
            target.validate(first);
            target.open(first);
        } catch (RuntimeException e) {
            target.close();
            return List.of(RunResult.failure(target.name(), first, e instanceof TargetUnavailableException ? e.getMessage() : describe(e)));
        }
        try {
            lastWarmup = Duration.ZERO;
            if (!settings.warmup().isZero()) {
                Duration most = settings.warmup().multipliedBy(WARMUP_CAP);
                say("[%s] warming up for at least %s, until the rate settles (at most %s)%n", target.name(),
                        Durations.format(settings.warmup()), Durations.format(most));
                long began = System.nanoTime();
                RunResult warm = phase(target, first.forDuration(most), WARM_UP, null);
                if (warm.failed()) {
                    return List.of(RunResult.failure(target.name(), first, "warm-up failed: " + warm.error()));
                }
                lastWarmup = Duration.ofNanos(System.nanoTime() - began);
            }
            String warmNote = lastWarmup.isZero() ? null : String.format(Locale.ROOT, "%.1f s (at least %s, then until"
                    + " the last %d s received less than %.1fx the %d s before, at most %s; drain included)",
                    lastWarmup.toNanos() / 1e9, Durations.format(settings.warmup()), settleWindow(settings.warmup()),
                    SETTLE_RISE, settleWindow(settings.warmup()), Durations.format(settings.warmup().multipliedBy(WARMUP_CAP)));
            List<RunResult> results = new ArrayList<>();
            for (Workload w = first; w != null; w = steps.apply(results.get(results.size() - 1))) {
                if (!results.isEmpty() && !settle.isZero()) {
                    say("[%s] settling for %s: %s%n", target.name(), Durations.format(settle), w.describe());
                    RunResult settled = phase(target, w.forDuration(settle), "settle", null);
                    if (settled.failed()) {
                        results.add(RunResult.failure(target.name(), w, "settling failed: " + settled.error()));
                        break;
                    }
                }
                say("[%s] measuring: %s%n", target.name(), w.describe());
                RunResult r = phase(target, w, "measure", results.isEmpty() ? warmNote : null);
                results.add(r);
                if (r.failed()) {
                    break;
                }
            }
            return List.copyOf(results);
        } finally {
            target.close();
        }
    }

    /**
     * How long the last {@link #run}'s warm-up took, drain included (zero without one): at least {@code --warmup}, longer
     * while the rate was still rising. Tools run beside a driver skip as much of their own start.
     */
    public Duration lastWarmup() {
        return lastWarmup;
    }

    private RunResult phase(Target target, Workload workload, String name, String warmNote) {
        Probe probe = new Probe(workload, target.hasAcks());
        if (warmNote != null) {
            probe.detail("warm-up", warmNote);
        }
        Scheduler producer = target.publishesOnPayloadThread()
                ? Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, "sluice-perf-producer", 60, true)
                : Schedulers.newSingle("sluice-perf-producer", true);
        Disposable running = null;
        String error = null;
        try {
            PayloadSource source = new PayloadSource(workload, probe, producer, settings.tick());
            probe.timelineStart(System.nanoTime());
            running = target.start(workload, source.flux(), probe);
            long[] gcBefore = gc();
            Hiccups hiccups = Hiccups.start();
            try {
                error = await(target, probe, name, workload, source);
                probe.end();
                probe.sampleLast();
            } finally {
                hiccups.close();
            }
            probe.detail("hiccups", hiccups.describe());
            long[] gcAfter = gc();
            probe.detail("gc", String.format(Locale.ROOT, "%,d collections, %,d ms in total during the phase (whole JVM)",
                    gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]));
        } catch (RuntimeException e) {
            error = describe(e);
        } finally {
            probe.end();
            if (running != null) {
                try {
                    running.dispose();
                } catch (RuntimeException e) {
                    error = error == null ? "stopping the phase failed: " + describe(e) : error;
                }
            }
            producer.dispose();
        }
        return RunResult.of(target.name(), workload, probe, error);
    }

    /** Waits for the phase to end; returns null when it completed, else why it did not. */
    private String await(Target target, Probe probe, String phase, Workload workload, PayloadSource source) {
        boolean settling = phase.equals(WARM_UP);
        int window = settleWindow(settings.warmup());
        long leastNanos = settings.warmup().toNanos();
        List<Long> perSecond = new java.util.ArrayList<>();
        long drainNanos = settings.drainTimeout().toNanos();
        long began = System.nanoTime();
        long lastChange = began;
        long nextReport = began + 1_000_000_000L;
        long lastSent = -1;
        long lastReceived = -1;
        long lastAcked = -1;
        long reportedSent = 0;
        for (;;) {
            try {
                probe.done().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // check below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            } catch (ExecutionException e) {
                return describe(e.getCause());
            }
            if (probe.error() != null) {
                return describe(probe.error());
            }
            if (probe.checkDone()) {
                return null;
            }
            long now = System.nanoTime();
            long sent = probe.sent();
            long received = probe.distinctReceived();
            long acked = probe.ackedCount();
            if (sent != lastSent || received != lastReceived || acked != lastAcked) {
                lastSent = sent;
                lastReceived = received;
                lastAcked = acked;
                lastChange = now;
            } else if (now - lastChange > drainNanos) {
                return String.format(Locale.ROOT, "cut short: nothing sent, received or acknowledged for %s (%s; %,d sent,"
                                + " %,d received%s)", Durations.format(settings.drainTimeout()),
                        probe.sourceDone() ? "the source had finished" : "the source was still sending", sent, received,
                        acked >= 0 ? String.format(Locale.ROOT, ", %,d acknowledged", acked) : "");
            }
            if (now - nextReport >= 0) {
                nextReport += 1_000_000_000L;
                probe.sample(now);
                double seconds = (now - began) / 1e9;
                say("[%s] %s %5.1fs: sent %,d (%,d/s), received %,d%s, p99 so far %s, %s%n", target.name(), phase, seconds,
                        sent, sent - reportedSent, received, acked >= 0 ? String.format(Locale.ROOT, ", acked %,d", acked) : "",
                        Durations.format(java.time.Duration.ofNanos(probe.p99SoFarNanos())), remaining(workload, probe, seconds));
                reportedSent = sent;
                perSecond.add(received);
                if (settling && now - began >= leastNanos && settled(perSecond, window)) {
                    settling = false;
                    say("[%s] %s: the rate has settled%n", target.name(), phase);
                    source.stopEarly();
                }
            }
        }
    }

    /** The settling window for a warm-up of at least {@code warmup}: a third of it, 1 to 10 s. */
    static int settleWindow(Duration warmup) {
        return (int) Math.max(1, Math.min(MAX_SETTLE_WINDOW_SECONDS, warmup.toSeconds() / 3));
    }

    /**
     * True when the last {@code window} seconds of {@code receivedBySecond} (cumulative counts, one a second)
     * received less than {@link #SETTLE_RISE} times the {@code window} seconds before them: the rate no longer climbs.
     */
    static boolean settled(List<Long> receivedBySecond, int window) {
        int n = receivedBySecond.size();
        if (n < 2 * window + 1) {
            return false;
        }
        long last = receivedBySecond.get(n - 1) - receivedBySecond.get(n - 1 - window);
        long before = receivedBySecond.get(n - 1 - window) - receivedBySecond.get(n - 1 - 2 * window);
        return last < SETTLE_RISE * before;
    }

    /** What is left of the phase: its sending time for a timed run, the records still to send, or the drain. */
    private static String remaining(Workload workload, Probe probe, double elapsedSeconds) {
        if (probe.sourceDone()) {
            return "draining";
        }
        if (workload.count() > 0) {
            return String.format(Locale.ROOT, "%,d to send", Math.max(0, workload.count() - probe.sent()));
        }
        double left = Math.max(0, workload.duration().toNanos() / 1e9 - elapsedSeconds);
        return String.format(Locale.ROOT, "%.0fs left", left);
    }

    /** Collections and milliseconds spent in them so far, over every collector. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, b.getCollectionCount());
            millis += Math.max(0, b.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private void say(String format, Object... args) {
        PrintWriter out = settings.progress();
        if (out != null) {
            out.printf(Locale.ROOT, format, args);
            out.flush();
        }
    }

    static String describe(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace.toString().strip();
    }
}
