package io.sluice.benchmarks.perf.measure;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how late an idle thread wakes up while a phase runs (the idea of Gil Tene's jHiccup): a daemon thread
 * sleeps {@value #SLEEP_MICROS} µs at a time and records each wake-up's delay beyond that. The thread does no work,
 * so its delays come from this JVM (GC pauses, safepoints) or the machine (the scheduler, a hypervisor taking the
 * CPUs away), whatever the target is. Printed beside each result, it tells a tail the machine made from one the
 * target made; it is a sample of what a waking thread meets, not a bound: a thread that never sleeps may miss a
 * stall this one meets, and the other way round.
 */
final class Hiccups implements AutoCloseable {
    static final long SLEEP_MICROS = 1_000;
    private static final long SLEEP_NANOS = TimeUnit.MICROSECONDS.toNanos(SLEEP_MICROS);
    private static final long SMALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LARGE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Thread thread;
    private volatile boolean running = true;
    // written by the meter thread only, read after join()
    private long small;
    private long large;
    private long worstNanos;
    private long lateNanos;

    Hiccups() {
        thread = new Thread(this::measure, "sluice-perf-hiccups");
        thread.setDaemon(true);
    }

    /** Starts measuring on a new daemon thread. */
    static Hiccups start() {
        Hiccups h = new Hiccups();
        h.thread.start();
        return h;
    }

    private void measure() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(SLEEP_NANOS);
            record(System.nanoTime() - before - SLEEP_NANOS);
        }
    }

    void record(long lateBy) {
        if (lateBy >= SMALL_NANOS) {
            small++;
            lateNanos += lateBy;
            if (lateBy >= LARGE_NANOS) {
                large++;
            }
        }
        worstNanos = Math.max(worstNanos, lateBy);
    }

    /** Stops the thread and waits for it. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One line for the run's details; call after {@link #close()}. */
    String describe() {
        return String.format(Locale.ROOT, "an idle thread woke >= 1 ms late %,d times (%,d ms in all), >= 10 ms late %,d"
                        + " times, at worst %.1f ms (GC pauses and machine stalls, whatever the target)",
                small, TimeUnit.NANOSECONDS.toMillis(lateNanos), large, worstNanos / 1e6);
    }
}
