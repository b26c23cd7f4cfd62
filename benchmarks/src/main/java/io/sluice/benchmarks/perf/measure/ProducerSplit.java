package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.workload.Keys;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import java.util.function.BiFunction;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Spreads a phase's payloads over {@code --producers} producers: record {@code seq} goes to producer
 * {@link Keys#producer(long)}, so that each key (or, for keyless records, each producer's share) has one producer
 * and a defined order. Each producer gets its own thread, as separate producing clients would have. The one mechanism
 * for every target with several producers: the Sluice targets' producers never block, a peer's client (a ZeroMQ
 * socket's {@code send}) may.
 */
public final class ProducerSplit {
    private ProducerSplit() {
    }

    /**
     * Calls {@code producer} once per producer index with that producer's payloads, which it subscribes to and
     * whose subscription it returns. One producer gets the payloads as they are, on the source's thread. Each of
     * several producers gets a thread of its own: a non-blocking one, or with {@code mayBlock} a one-thread
     * bounded-elastic scheduler, where blocking is allowed (see {@code PeerTargets.publishOnOwnThread}). Disposing the
     * result stops every producer.
     */
    public static Disposable split(Flux<byte[]> payloads, Workload workload, boolean mayBlock,
                                   BiFunction<Integer, Flux<byte[]>, Disposable> producer) {
        int n = workload.producers();
        if (n == 1) {
            return producer.apply(0, payloads);
        }
        Keys keys = Keys.of(workload);
        Disposable.Composite all = Disposables.composite();
        Scheduler[] threads = new Scheduler[n];
        for (int i = 0; i < n; i++) {
            String name = "sluice-perf-producer-" + i;
            threads[i] = mayBlock ? Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, name, 60, true)
                    : Schedulers.newSingle(name, true);
            all.add(threads[i]);
        }
        all.add(payloads.groupBy(value -> keys.producer(Payload.seq(value)), 256)
                .subscribe(group -> all.add(producer.apply(group.key(), group.publishOn(threads[group.key()], 256)))));
        return all;
    }
}
