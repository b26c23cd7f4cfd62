package io.sluice.benchmarks.perf.measure;

import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * A system {@code sluice-perf} measures: one driver per target ({@code reactor-raw}, {@code sluice-embedded},
 * {@code sluice-kafka}, {@code kafka}, {@code rabbitmq}, {@code nats}; registered in {@link Targets}). The runner {@linkplain #open opens} a target once per run,
 * {@linkplain #start starts} it once per phase (warm-up, then the measured phase) and closes it at the end.
 *
 * <p>In every phase the target moves each payload of the given flux to a consumer on another thread and, for
 * each record received, reads its sequence number and intended send time and reports them with
 * {@link Probe#received} (taking {@link System#nanoTime()} on receipt). A target with acknowledgements reports
 * them with {@link Probe#acked()} and {@link Probe#acksCompleted()}; any failure goes to {@link Probe#failed}.
 */
public interface Target extends AutoCloseable {

    /** The name used on the command line. */
    String name();

    /** One line: what is measured and how. */
    String description();

    /** True when the target reports acknowledgements of sends. */
    boolean hasAcks();

    /**
     * The one {@code --acks} level this target runs ({@code none} for ZeroMQ, which has no acknowledgements), or null
     * when it runs each. The commands that search each target on its own ({@code max-rate}, {@code curve}) run it at
     * this level when {@code --acks} is not given, and say so; {@code run} and {@code compare}, which hold every target
     * to one workload, and an explicit {@code --acks} of another level, are refused by {@link #validate}.
     */
    default Acks onlyAcks() {
        return null;
    }

    /**
     * Rejects knobs this target cannot honour.
     *
     * @throws IllegalArgumentException whose message names the {@code sluice-perf} option
     */
    default void validate(Workload workload) {
    }

    /**
     * True when the target publishes with blocking calls (socket writes, a confirm window) right on the thread the
     * payloads are emitted on, as its own benchmark tool publishes from its producer thread. The runner then makes that
     * thread one where blocking is allowed; otherwise it is a non-blocking thread and the target hands the payloads off.
     */
    default boolean publishesOnPayloadThread() {
        return false;
    }

    /** Sets the target up for a run of {@code workload} (starts engines, connects). */
    void open(Workload workload);

    /**
     * Starts one phase: subscribes the consumer side, then the producer side to {@code payloads} (which emits
     * on its own producer thread and completes when the phase has sent everything). Returns when both sides
     * are subscribed; the returned handle stops the phase and releases what it created.
     */
    Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe);

    /** Releases everything {@link #open} set up. */
    @Override
    void close();
}
