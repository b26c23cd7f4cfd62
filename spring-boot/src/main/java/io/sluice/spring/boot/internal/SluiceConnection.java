package io.sluice.spring.boot.internal;

import io.sluice.Sluice;
import io.sluice.log.LogStore;
import io.sluice.spi.SendTarget;
import io.sluice.transport.netty.NettySluice;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * The {@link Sluice} the starter made, with what its health check needs: the mode, what it is connected to (the store,
 * the node's address, the Kafka bootstrap servers; without passwords), and the store it opened in embedded mode.
 * {@link #of(Sluice)} describes an application's own {@code Sluice} bean as well as it can.
 */
public final class SluiceConnection {
    /** {@code sluice.mode}. */
    public enum Mode {
        EMBEDDED, NODE, KAFKA;

        public static final String PROPERTY = "sluice.mode";

        /** @throws SluicePropertyException naming {@value #PROPERTY} */
        public static Mode parse(String text) {
            String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
            for (Mode m : values()) {
                if (m.text().equals(s)) {
                    return m;
                }
            }
            throw new SluicePropertyException(PROPERTY, text, "unknown mode (one of embedded, node, kafka)");
        }

        /** As the property spells it. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Mode mode;
    private final Sluice sluice;
    private final String target;
    private final LogStore store;

    /**
     * @param target what the Sluice is connected to, as it may be shown
     * @param store the database an embedded engine was opened on, to probe; null for the in-memory store, when unknown, or
     *     not embedded
     */
    public SluiceConnection(Mode mode, Sluice sluice, String target, LogStore store) {
        this.mode = mode;
        this.sluice = sluice;
        this.target = target;
        this.store = store;
    }

    /** An application's own Sluice bean: the mode from its type, no store to probe (its admin is asked instead). */
    public static SluiceConnection of(Sluice sluice) {
        Mode mode = sluice instanceof NettySluice ? Mode.NODE
                : sluice.getClass().getName().startsWith("io.sluice.kafka.") ? Mode.KAFKA : Mode.EMBEDDED;
        return new SluiceConnection(mode, sluice, sluice.getClass().getSimpleName(), null);
    }

    public Mode mode() {
        return mode;
    }

    public Sluice sluice() {
        return sluice;
    }

    /** The store (embedded), the node's address (node) or the bootstrap servers (kafka). */
    public String target() {
        return target;
    }

    /**
     * What is wrong, or empty when all is well, within {@code timeout}; never errors and never blocks. Embedded: the
     * engine is open and its store answers a read (an in-memory store always does). Node: a connection to the node
     * has shaken hands (it reports the client's own state, so a stopped node shows at once, without a request).
     * Kafka, and an application's own Sluice of another kind: the cluster (engine) lists its topics.
     */
    public Mono<String> problem(Duration timeout) {
        return Mono.defer(() -> probe(timeout)); // each subscription looks again
    }

    private Mono<String> probe(Duration timeout) {
        if (sluice instanceof SendTarget t && t.closedError() != null) {
            return Mono.just("closed: " + message(t.closedError()));
        }
        if (sluice instanceof NettySluice n) {
            return n.isConnected() ? Mono.empty() : Mono.just("not connected to the node at " + target + " (reconnecting)");
        }
        Mono<Void> probe = mode == Mode.EMBEDDED && store != null ? store.topics().then() : sluice.admin().listTopics().then();
        String what = mode == Mode.EMBEDDED ? "store " : mode == Mode.KAFKA ? "Kafka cluster " : "";
        return probe.timeout(timeout)
                .then(Mono.<String>empty())
                .onErrorResume(e -> Mono.just(what + target + ": " + (e instanceof TimeoutException
                        ? "no answer within " + timeout.toMillis() + " ms" : message(e))));
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
