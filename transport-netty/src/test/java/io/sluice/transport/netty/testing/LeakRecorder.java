package io.sluice.transport.netty.testing;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Collects Netty's leak reports instead of only logging them, so that a test can fail on a leak. Netty reports a
 * leak lazily: when the garbage collector has cleared a tracked buffer that was never released, and a detector
 * next tracks something. {@link #detect()} makes both happen now: it collects garbage, waits for the JVM to queue
 * the cleared references, and has every detector poll its queue.
 *
 * <p>{@link #install()} must run before Netty creates the detector of {@code ByteBuf} (when {@code AbstractByteBuf}
 * is initialized, at the first buffer allocated): {@link NettyLeakExtension} does it when JUnit loads it.
 */
public final class LeakRecorder {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final List<RecordingDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private LeakRecorder() {
    }

    /**
     * Makes every leak detector Netty creates from now on a {@link RecordingDetector}, once; fails when the
     * detector of {@code ByteBuf} was made before (so buffer leaks would go unnoticed), naming the fix.
     */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return newResourceLeakDetector(resource, samplingInterval);
            }

            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
                RecordingDetector<T> d = new RecordingDetector<>(resource, samplingInterval, LEAKS::add);
                DETECTORS.add(d);
                return d;
            }
        });
        installed = true;
        Object bufferDetector = byteBufDetector();
        if (!(bufferDetector instanceof RecordingDetector)) {
            throw new IllegalStateException("Netty's ByteBuf leak detector (" + bufferDetector + ") was created before "
                    + "LeakRecorder.install(): a buffer was allocated before JUnit loaded NettyLeakExtension, so leaks "
                    + "cannot fail tests");
        }
    }

    private static Object byteBufDetector() {
        try {
            Field f = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            f.setAccessible(true);
            return f.get(null); // initializes AbstractByteBuf: its detector comes from the factory just set
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read io.netty.buffer.AbstractByteBuf.leakDetector (Netty changed?)", e);
        }
    }

    /**
     * Forces pending leak reports out of every installed detector, then returns (and forgets) every leak
     * recorded since the last call: an empty list when nothing leaked.
     */
    public static List<String> detect() {
        forceDetection(DETECTORS);
        return drain();
    }

    /** Returns and forgets the leaks recorded so far, without collecting garbage. */
    public static List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String s; (s = LEAKS.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    /**
     * Collects garbage and lets {@code detectors} report what it cleared. Bounded: two collections, each waiting
     * at most 2 s for the reference handler to queue what was cleared.
     */
    public static void forceDetection(List<? extends RecordingDetector<?>> detectors) {
        for (int round = 0; round < 2; round++) {
            ReferenceQueue<Object> cleared = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), cleared);
            System.gc();
            try {
                // the sentinel is queued with the references the same collection cleared
                cleared.remove(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sentinel.clear();
            detectors.forEach(RecordingDetector::poll);
        }
    }

    /**
     * A leak detector that hands every report to a sink (as well as logging it as Netty does), whatever the
     * logger's level.
     */
    public static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        private final Consumer<String> sink;

        public RecordingDetector(Class<?> resourceType, int samplingInterval, Consumer<String> sink) {
            super(resourceType, samplingInterval);
            this.sink = sink;
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            sink.accept(resourceType + ".release() was not called before it was garbage-collected." + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            sink.accept(resourceType + ".release() was not called before it was garbage-collected (no access records:"
                    + " run with -Dio.netty.leakDetection.level=paranoid to see where it was allocated)");
            super.reportUntracedLeak(resourceType);
        }

        /** Reports the tracked objects collected since the last poll: Netty does so whenever it tracks a new one. */
        @SuppressWarnings("unchecked")
        public void poll() {
            Object probe = new Object();
            ResourceLeakTracker<T> t = trackForcibly((T) probe);
            if (t != null) {
                t.close((T) probe);
            }
        }
    }

    /** For {@link ByteBuf}: the installed detector, to check that buffers are tracked by it. */
    static boolean tracksByteBufs() {
        return byteBufDetector() instanceof RecordingDetector;
    }
}
