package io.sluice.benchmarks.perf;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.reactivestreams.Subscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a peer client's blocking publishing (socket writes, waiting for a confirm window) on a plain thread of
 * its own, never on one of Reactor's non-blocking threads, which is where the payloads come from.
 */
final class OwnThread {
    private OwnThread() {
    }

    /** Subscribes {@code publisher} to {@code payloads} on a new thread named {@code name}; disposing stops both. */
    static <P extends Subscriber<byte[]> & Disposable> Disposable publish(Flux<byte[]> payloads, String name, P publisher) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        Scheduler scheduler = Schedulers.fromExecutorService(thread);
        payloads.publishOn(scheduler, 256).subscribe(publisher);
        return () -> {
            publisher.dispose();
            scheduler.dispose();
            thread.shutdownNow();
        };
    }

    /** The peer targets drive one producer and one consumer so far. */
    static void requireOneProducerAndConsumer(String target, Workload workload) {
        if (workload.producers() != 1 || workload.consumers() != 1 || workload.concurrency() != 1) {
            throw new IllegalArgumentException(target + ": sluice-perf runs one producer and one consumer with concurrency 1 for now");
        }
    }
}
