package io.sluice.benchmarks.perf.targets.peers;

import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.workload.Workload;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** What the targets that drive a peer's client (RabbitMQ, NATS, ...) share. */
public final class PeerTargets {
    /** Numbers the queue or stream of each phase, unique in this process. */
    private static final AtomicInteger PHASES = new AtomicInteger();

    private PeerTargets() {
    }

    /** A name for the queue or stream of a new phase: {@code sluice-perf-<pid>-<n>}. */
    public static String phaseName() {
        return "sluice-perf-" + ProcessHandle.current().pid() + "-" + PHASES.incrementAndGet();
    }

    /**
     * Subscribes {@code publisher} to {@code payloads} on a thread of its own named {@code name}, for a client whose
     * publishing may block (Kafka's {@code send} waits when its buffer is full) although its target leaves the payloads
     * on the harness's non-blocking producer thread: blocking must never run there. The thread is a one-thread
     * bounded-elastic scheduler, where blocking is allowed, and whose task queue a non-blocking thread may hand work
     * to: with a plain executor, the hand-off takes a lock that BlockHound (in the tests) reports as blocking when
     * contended, and the failed hand-off left {@code publishOn} stalled with one record queued. Disposing stops both.
     */
    static <P extends Subscriber<byte[]> & Disposable> Disposable publishOnOwnThread(Flux<byte[]> payloads, String name,
            P publisher) {
        Scheduler thread = Schedulers.newBoundedElastic(1, Integer.MAX_VALUE, name, 60, true);
        payloads.publishOn(thread, 256).subscribe(publisher);
        return () -> {
            publisher.dispose();
            thread.dispose();
        };
    }

    /**
     * Subscribes {@code publisher} to {@code payloads} where they are emitted, for a target that
     * {@linkplain Target#publishesOnPayloadThread publishes on the payload thread}: its blocking calls run on the
     * producer thread, as PerfTest's and nats bench's publishers call their clients from their own threads, with
     * no queue and no thread hand-off per record between source and client. Disposing stops it.
     */
    static <P extends Subscriber<byte[]> & Disposable> Disposable publishInPlace(Flux<byte[]> payloads, P publisher) {
        payloads.subscribe(publisher);
        return publisher;
    }

    /** The peer targets (and reactor-raw) drive one producer and one consumer, with one handler, so far. */
    public static void requireOneProducerAndConsumer(String target, Workload workload) {
        requireOne("--groups", target, "consumer group", workload.groups());
        requireOne("--producers", target, "producer", workload.producers());
        requireOne("--consumers", target, "consumer", workload.consumers());
        requireOne("--concurrency", target, "handler per consumer", workload.concurrency());
    }

    private static void requireOne(String option, String target, String what, int value) {
        if (value != 1) {
            throw new IllegalArgumentException(option + " must be 1 for the " + target + " target (sluice-perf drives one "
                    + what + " there so far), was " + value);
        }
    }

    /** A URI fit for messages: scheme, host and port, no user or password. */
    public static String safe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
