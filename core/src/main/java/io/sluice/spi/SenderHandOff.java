package io.sluice.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Work a producer's sender thread runs itself, once it has let go of the producer's monitor, instead of scheduling it
 * on another thread: an engine whose append wakes a consumer {@linkplain #defer defers} the consumer's delivery loop
 * here, so that a record crosses one thread hand-off from producer to consumer instead of two.
 *
 * <p>The producers {@link Producers} makes open a hand-off around each flush of their open batches and run what was
 * deferred after it, outside their monitor (a consumer's code never runs under it); a node's event loop does the same
 * around the appends of its clients' batches and the credits they grant ({@link #runAppends}). Outside such a flush
 * {@link #defer} declines and the caller schedules the work as usual. MUST be called only by code that may run a
 * consumer's loop on the calling thread: the work runs before the sender thread's flush returns.
 */
public final class SenderHandOff {
    private static final ThreadLocal<List<Runnable>> DEFERRED = new ThreadLocal<>();

    private SenderHandOff() {
    }

    /**
     * Takes {@code work} to run on this thread when its flush ends; false (and nothing taken) when this thread is not
     * flushing a producer's batches.
     */
    public static boolean defer(Runnable work) {
        List<Runnable> deferred = DEFERRED.get();
        if (deferred == null) {
            return false;
        }
        deferred.add(work);
        return true;
    }

    /**
     * Runs {@code appends} on this thread, then, on this thread too, the consumers' delivery loops they woke: for a
     * thread that appends batches it did not close itself, such as a node's event loop appending its clients'
     * PRODUCE frames, or granting members the demand of their CREDIT frames (the deliveries then leave in the same
     * turn of that loop, with no hand-off to a delivery thread and back). Nested calls run the loops when the
     * outermost ends.
     */
    public static void runAppends(Runnable appends) {
        boolean outermost = DEFERRED.get() == null;
        open();
        try {
            appends.run();
        } finally {
            if (outermost) {
                runDeferred();
            }
        }
    }

    /** A flush begins on this thread: {@link #defer} takes work from now on. */
    static void open() {
        if (DEFERRED.get() == null) {
            DEFERRED.set(new ArrayList<>());
        }
    }

    /** The flush ended: runs the work deferred since {@link #open}, in order, on this thread. */
    static void runDeferred() {
        List<Runnable> deferred = DEFERRED.get();
        if (deferred == null) {
            return;
        }
        DEFERRED.remove();
        for (Runnable work : deferred) {
            work.run();
        }
    }
}
