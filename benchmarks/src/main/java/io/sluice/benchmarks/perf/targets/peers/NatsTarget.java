package io.sluice.benchmarks.perf.targets.peers;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.ErrorListenerLoggerImpl;
import io.nats.client.support.Status;
import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * {@code nats}: a NATS server at {@code --nats}, driven as its own benchmark, {@code nats bench}, drives it.
 *
 * <p>A publishing and a subscribing connection (as {@code nats bench}'s separate clients), the publisher without
 * jnats' flush of every request ({@code dontForceFlushOnRequest}: each JetStream publish was its own socket write) and
 * with an outgoing queue big enough for its window.
 * <ul>
 *   <li>acks {@code none}: core NATS, publish and subscribe on a subject (no acknowledgements, no flow control:
 *       the subscriber's pending limits are lifted so that a burst is not dropped as a slow consumer);</li>
 *   <li>{@code appended}: JetStream, a stream per phase in memory; asynchronous publishes in batches, each batch's
 *       acknowledgements all awaited before the next ({@code nats bench js pub}'s batch of 500 unless
 *       {@code --batch-size} is given: then the records in five batches, as {@code maxInFlight}); a durable consumer
 *       with explicit acks, each message acknowledged as it is handled, pulling {@code nats bench js consume}'s 500
 *       messages at a time (or {@code --prefetch});</li>
 *   <li>{@code stored}: the same with the stream on file storage.</li>
 * </ul>
 * The settings used go into the result's details. Publishing may wait for the window, so it runs right on the
 * harness's producer thread, which is then one where blocking is allowed ({@link #publishesOnPayloadThread}), as nats
 * bench's publisher calls its client from its own thread.
 */
public final class NatsTarget implements Target {
    public static final String NAME = "nats";

    /** {@code nats bench}'s default {@code --batch}, of its publisher and of its consumer. */
    static final int NATS_BENCH_BATCH = 500;

    private final URI url;
    private Connection connection;
    private Connection subscriber;

    public NatsTarget(URI url) {
        this.url = url;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "NATS at " + PeerTargets.safe(url) + ": a publishing and a subscribing connection as nats bench, JetStream with acks"
                + " when --acks asks for them, core NATS otherwise";
    }

    @Override
    public boolean hasAcks() {
        return true;
    }

    @Override
    public boolean publishesOnPayloadThread() {
        return true;
    }

    @Override
    public void validate(Workload workload) {
        PeerTargets.requireOneProducerAndConsumer(NAME, workload);
    }

    @Override
    public void open(Workload workload) {
        try {
            int window = window(workload);
            connection = Nats.connect(options().connectionName("sluice-perf-publisher").dontForceFlushOnRequest()
                    .maxMessagesInOutgoingQueue(Math.max(Options.DEFAULT_MAX_MESSAGES_IN_OUTGOING_QUEUE, 4 * window)).build());
            subscriber = Nats.connect(options().connectionName("sluice-perf-subscriber").build());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new TargetUnavailableException("nats: cannot connect to " + PeerTargets.safe(url) + ": " + e, e);
        }
    }

    private Options.Builder options() {
        return Options.builder().server(url.toString()).connectionTimeout(Duration.ofSeconds(3))
                .maxReconnects(0).noReconnect().errorListener(new QuietAtPhaseEnd());
    }

    /** JetStream publishes per awaited batch: nats bench's batch, or the records in five of {@code --batch-size}. */
    public static int window(Workload workload) {
        return workload.ownDefault(Workload.Knob.BATCH_SIZE) ? NATS_BENCH_BATCH
                : Math.max(1, workload.batchSize() / workload.recordSize()) * 5;
    }

    /** Messages per pull: nats bench's batch, or {@code --prefetch}. */
    public static int pullBatch(Workload workload) {
        return workload.ownDefault(Workload.Knob.PREFETCH) ? NATS_BENCH_BATCH : workload.prefetch();
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        String name = PeerTargets.phaseName();
        String subject = name.replace('-', '.');
        boolean jetStream = workload.acks() != Acks.NONE;
        int window = window(workload);
        int pull = pullBatch(workload);
        try {
            Disposable consumer;
            Publisher publisher;
            if (jetStream) {
                StorageType storage = workload.acks() == Acks.STORED ? StorageType.File : StorageType.Memory;
                JetStreamManagement jsm = connection.jetStreamManagement();
                jsm.addStream(StreamConfiguration.builder().name(name).subjects(subject).storageType(storage).build());
                MessageConsumer mc = subscriber.getStreamContext(name)
                        .createOrUpdateConsumer(ConsumerConfiguration.builder().durable(name).ackPolicy(AckPolicy.Explicit).build())
                        .consume(ConsumeOptions.builder().batchSize(pull).build(), msg -> {
                            byte[] body = msg.getData();
                            probe.received(0, Payload.seq(body), Payload.intendedNanos(body), System.nanoTime());
                            msg.ack();
                        });
                consumer = () -> {
                    mc.stop();
                    try {
                        jsm.deleteStream(name);
                    } catch (Exception e) {
                        // the stream goes with the server's data otherwise; nothing else to do
                    }
                };
                publisher = new Publisher(connection.jetStream(), null, subject, probe, window);
                probe.detail("nats", String.format("JetStream stream %s (%s storage); a publishing and a subscribing"
                        + " connection; async publishes in batches of %,d, each awaited in full, no flush per publish;"
                        + " durable consumer, explicit acks,"
                        + " pull batch %,d", name, storage, window, pull));
            } else {
                Dispatcher dispatcher = subscriber.createDispatcher(msg -> {
                    byte[] body = msg.getData();
                    probe.received(0, Payload.seq(body), Payload.intendedNanos(body), System.nanoTime());
                });
                dispatcher.subscribe(subject);
                dispatcher.setPendingLimits(-1, -1);
                subscriber.flush(Duration.ofSeconds(3)); // the subscription is in place before the first publish
                consumer = () -> subscriber.closeDispatcher(dispatcher);
                publisher = new Publisher(null, connection, subject, probe, window);
                probe.detail("nats", "core NATS subject " + subject + "; a publishing and a subscribing connection, no"
                        + " acknowledgements, subscriber pending limits lifted");
            }
            Disposable sending = PeerTargets.publishInPlace(payloads, publisher);
            return () -> {
                sending.dispose();
                consumer.dispose();
            };
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new TargetUnavailableException("nats: setting up " + name + " at " + PeerTargets.safe(url) + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
        closeQuietly(subscriber);
        connection = null;
        subscriber = null;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Publishes on the payload thread. With JetStream as {@code nats bench js pub} does: asynchronous publishes in batches
     * of {@code window}, waiting for every acknowledgement of a batch before the next (one wait per batch: a window
     * that slides by one woke the publishing thread for every acknowledgement). Each acknowledgement is counted.
     */
    private static final class Publisher extends BaseSubscriber<byte[]> {
        private static final long BATCH_TIMEOUT_S = 60;

        private final JetStream js;
        private final Connection core;
        private final String subject;
        private final Probe probe;
        private final int window;
        private final List<CompletableFuture<PublishAck>> batch = new ArrayList<>();
        private final AtomicLong outstanding = new AtomicLong();
        private volatile boolean sourceDone;

        Publisher(JetStream js, Connection core, String subject, Probe probe, int window) {
            this.js = js;
            this.core = core;
            this.subject = subject;
            this.probe = probe;
            this.window = window;
        }

        @Override
        protected void hookOnNext(byte[] value) {
            if (js == null) {
                core.publish(subject, value);
                probe.acked();
                return;
            }
            outstanding.incrementAndGet();
            CompletableFuture<PublishAck> ack = js.publishAsync(subject, value);
            ack.whenComplete((a, error) -> {
                if (error != null) {
                    probe.failed(error);
                    return;
                }
                probe.acked();
                if (outstanding.decrementAndGet() == 0 && sourceDone) {
                    probe.acksCompleted();
                }
            });
            batch.add(ack);
            if (batch.size() >= window) {
                try {
                    CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0])).get(BATCH_TIMEOUT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel();
                } catch (ExecutionException | TimeoutException e) {
                    probe.failed(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
                    cancel();
                }
                batch.clear();
            }
        }

        @Override
        protected void hookOnComplete() {
            sourceDone = true;
            if (js == null || outstanding.get() == 0) {
                probe.acksCompleted();
            }
        }

        @Override
        protected void hookOnError(Throwable e) {
            probe.failed(e);
        }
    }

    /**
     * The client's default error listener, except for the "409 Consumer Deleted" pull status that every JetStream
     * phase ends with (the phase deletes its stream while the pull consumer stops): expected, so not logged.
     */
    private static final class QuietAtPhaseEnd extends ErrorListenerLoggerImpl {
        @Override
        public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
            if (status.getCode() != 409) {
                super.pullStatusError(conn, sub, status);
            }
        }
    }
}
