package io.sluice.spi;

import io.sluice.check.Check;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The producers of one {@link io.sluice.Sluice} implementation, all writing to its {@link SendTarget}: the same
 * {@link Producer} for every implementation (records accumulated into batches per partition, linger, in-flight
 * bounds, results in send order, backpressure on the upstream). The implementation's {@code producer(options)}
 * returns {@link #create}; its {@code close()} calls {@link #failAll} so that no send waits forever.
 *
 * <pre>{@code
 * private final Producers producers = new Producers(target);
 * public Producer producer(ProducerOptions options) { ensureOpen(); return producers.create(options); }
 * public void close() { ...; producers.failAll(new ClosedException("...")); }
 * }</pre>
 */
public final class Producers {
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

    /** Ends every send in progress, of every producer not yet closed, with {@code error}. */
    public void failAll(Throwable error) {
        open.forEach(p -> p.failAll(error));
    }
}
