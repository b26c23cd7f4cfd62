package io.sluice.spi;

import io.sluice.check.Check;
import io.sluice.errors.ClosedException;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.scheduler.Schedulers;

/**
 * The producers of one {@link io.sluice.Sluice} implementation, all writing to its {@link SendTarget}: the same
 * {@link Producer} for every implementation (records accumulated into batches per partition, linger, in-flight
 * bounds, results in send order, backpressure on the upstream). The implementation's {@code producer(options)}
 * returns {@link #create}; its {@code close()} calls {@link #close} first, while its target still appends, so that
 * the records its sends have taken are sent, and no send waits forever.
 *
 * <pre>{@code
 * private final Producers producers = new Producers(target);
 * public Producer producer(ProducerOptions options) { ensureOpen(); return producers.create(options); }
 * public void close() { producers.close(new ClosedException("...")); ...then the rest of the close... }
 * }</pre>
 */
public final class Producers {
    /**
     * The longest {@link #close} waits for the sends in progress to drain: 10 s in all, whatever the number of
     * producers and sends, the same as {@code close()} then waits for its consumers' commits ({@link ClosingCommits#TIMEOUT}).
     * One bound for the whole close, that an application's shutdown can budget for (Spring Boot's shutdown phase waits
     * 30 s by default), rather than a per-producer setting: a drain that needs longer has a target that does not
     * answer, and its records fail as before, reported as of unknown outcome ({@link ClosedException}).
     */
    public static final Duration DRAIN_TIMEOUT = ClosingCommits.TIMEOUT;

    private final SendTarget target;
    private final Set<DefaultProducer> open = ConcurrentHashMap.newKeySet();

    public Producers(SendTarget target) {
        this.target = Check.notNull("target", target);
    }

    /** A new producer on the target; it is forgotten here when the user closes it. */
    public Producer create(ProducerOptions options) {
        Check.notNull("options", options);
        DefaultProducer p = new DefaultProducer(target, options, open::remove);
        open.add(p);
        return p;
    }

    /**
     * The Sluice is closing: drains the sends in progress, then fails what is left with {@code closed}. Call it first in
     * {@code close()}, while the target still appends. {@link #close(Collection, ClosedException)} for several.
     */
    public void close(ClosedException closed) {
        close(List.of(this), closed);
    }

    /**
     * The Sluice is closing: the sends in progress of every producer (not yet closed by its user) of {@code all}
     * drain, then what is left fails with {@code closed}. Each send stops taking records from its upstream (it cancels
     * it), closes its open batches at once (no waiting for linger), lets the batches it has taken be appended and
     * acknowledged at its producer's acks, emits their results as usual, then ends with a {@link ClosedException} that
     * says the records after its last result were not taken (a send whose upstream had completed ends as it would
     * have). New sends are refused with {@code closed} from the start. This waits for that on the calling thread, up to
     * {@link #DRAIN_TIMEOUT} in all; then (or at once, on a non-blocking thread, where it must not wait) every send
     * still in progress ends with {@code closed}, as {@link #failAll} does: its records not yet acknowledged may have
     * been stored ({@link io.sluice.errors.OutcomeUnknown}).
     */
    public static void close(Collection<Producers> all, ClosedException closed) {
        Check.notNull("closed", closed);
        if (Schedulers.isInNonBlockingThread()) {
            all.forEach(p -> p.open.forEach(producer -> producer.refuseNewSends(closed)));
        } else {
            List<CompletableFuture<Void>> ends = new ArrayList<>();
            all.forEach(p -> p.open.forEach(producer -> producer.drain(closed, () -> drained(closed), ends)));
            try {
                CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // what has not drained by now fails below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        all.forEach(p -> p.failAll(closed));
    }

    /** What a drained send ends with: a new one for each (a subscriber may add suppressed exceptions to it). */
    private static ClosedException drained(ClosedException closed) {
        return new ClosedException(closed.getMessage() + " while this send was in progress: the records it had taken were"
                + " sent and their results emitted; the records after the last result were not taken from the upstream,"
                + " and not sent");
    }

    /** Ends every send in progress, of every producer not yet closed, with {@code error}: what {@link #close} leaves. */
    private void failAll(Throwable error) {
        open.forEach(p -> p.failAll(error));
    }
}
