package io.sluice.benchmarks.perf.targets;

import io.sluice.benchmarks.perf.measure.PayloadSource;
import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.targets.peers.PeerTargets;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code reactor-raw}: the in-process ceiling, plain Reactor with the same payloads and per-record work as
 * every other target and no messaging system in between.
 *
 * <p>The pipeline is {@code payloads.publishOn(consumer, prefetch).subscribe(reader)}:
 * <ul>
 * <li>the payloads are the runner's {@link PayloadSource}: {@link Flux#generate} (or the fixed-rate pacer)
 *     subscribed on the producer thread, building {@code new byte[size]} with sequence number and time per
 *     record, emitting only as much as requested;</li>
 * <li>{@code publishOn} with its bounded prefetch queue ({@code --prefetch} records, replenished by 75%) hands
 *     records to a dedicated {@link Schedulers#newSingle single} consumer thread; its requests travel back to the
 *     producer thread, so the producer emits exactly what the queue has room for;</li>
 * <li>the reader reads sequence number and intended time from the array and reports to the {@link Probe}.</li>
 * </ul>
 * This was chosen over a {@code Sinks.many().unicast().onBackpressureBuffer()} sink fed by a loop, which would
 * need an unbounded buffer or a busy-wait on a full queue; {@code generate} makes the emission demand-driven.
 * There are no partitions (one queue: {@code --partitions} is ignored) and no acknowledgements.
 */
public final class ReactorRawTarget implements Target {
    /** The target's name. */
    public static final String NAME = "reactor-raw";

    private Scheduler consumer;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Reactor in process: generate on a producer thread -> publishOn(single consumer thread, prefetch) -> reader";
    }

    @Override
    public boolean hasAcks() {
        return false;
    }

    @Override
    public void validate(Workload workload) {
        PeerTargets.requireOneProducerAndConsumer(NAME, workload);
    }

    @Override
    public void open(Workload workload) {
        consumer = Schedulers.newSingle("sluice-perf-raw-consumer", true);
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        Reader reader = new Reader(probe);
        payloads.publishOn(consumer, workload.prefetch()).subscribe(reader);
        return reader;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.dispose();
        }
    }

    private static final class Reader extends BaseSubscriber<byte[]> {
        private final Probe probe;

        Reader(Probe probe) {
            this.probe = probe;
        }

        @Override
        protected void hookOnNext(byte[] value) {
            long now = System.nanoTime();
            probe.received(0, Payload.seq(value), Payload.intendedNanos(value), now);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            probe.failed(throwable);
        }
    }
}
