package io.sluice.benchmarks.perf.targets.peers;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.sluice.benchmarks.perf.measure.Probe;
import io.sluice.benchmarks.perf.measure.Target;
import io.sluice.benchmarks.perf.measure.TargetUnavailableException;
import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import io.sluice.producer.Acks;
import java.io.IOException;
import java.net.URI;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * {@code rabbitmq}: a RabbitMQ broker at {@code --amqp}, driven as its documentation recommends for the workload.
 *
 * <p>As RabbitMQ's PerfTest and the OpenMessaging Benchmark drive it: a publishing connection and a consuming
 * connection (RabbitMQ's flow control blocks the reads of a connection that publishes too fast, which would stall the
 * consumer's acknowledgements on a shared one), the consumer's deliveries on one thread of its own (PerfTest's
 * consumer executor: one thread per channel). Per phase a new queue, one channel on each connection.
 * <ul>
 *   <li>acks {@code none}: no publisher confirms, the consumer in auto-ack mode;</li>
 *   <li>{@code appended}: publisher confirms with a window of outstanding publishes (the number of records in
 *       {@code --batch-size} bytes, times five, like {@code maxInFlight} batches), manual consumer acks;</li>
 *   <li>{@code stored}: the same on a durable queue with persistent messages (confirmed once written to disk).</li>
 * </ul>
 * The consumer's prefetch ({@code basic.qos}) is {@code --prefetch}; it acknowledges with {@code multiple} every
 * quarter of it. The settings used go into the result's details. Publishing blocks (socket writes, the confirm
 * window), so it runs right on the harness's producer thread, which is then one where blocking is allowed
 * ({@link #publishesOnPayloadThread}): as PerfTest's producer thread calls {@code basicPublish}, with no hand-off per
 * record.
 */
public final class RabbitMqTarget implements Target {
    public static final String NAME = "rabbitmq";

    private final URI uri;
    private Connection connection;
    private Connection consumerConnection;
    private ExecutorService consumerThread;

    public RabbitMqTarget(URI uri) {
        this.uri = uri;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "RabbitMQ at " + PeerTargets.safe(uri) + ": a publishing and a consuming connection, publisher confirms and consumer"
                + " acks as --acks says, qos = --prefetch";
    }

    /** Unconfirmed publishes at most: the records in five batches of {@code --batch-size}, as {@code maxInFlight}. */
    public static int window(Workload workload) {
        return Math.max(1, workload.batchSize() / workload.recordSize()) * 5;
    }

    /** The consumer acknowledges (with {@code multiple}) every quarter of its prefetch. */
    public static int ackEvery(Workload workload) {
        return Math.max(1, workload.prefetch() / 4);
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
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("--amqp: not an AMQP URI: " + PeerTargets.safe(uri), e);
        }
        factory.setConnectionTimeout(3_000);
        factory.setAutomaticRecoveryEnabled(false);
        try {
            connection = factory.newConnection("sluice-perf-publisher");
            consumerThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sluice-perf-rabbitmq-consumer");
                t.setDaemon(true);
                return t;
            });
            consumerConnection = factory.newConnection(consumerThread, "sluice-perf-consumer");
        } catch (Exception e) {
            throw new TargetUnavailableException("rabbitmq: cannot connect to " + PeerTargets.safe(uri) + ": " + e, e);
        }
    }

    @Override
    public Disposable start(Workload workload, Flux<byte[]> payloads, Probe probe) {
        String queue = PeerTargets.phaseName();
        boolean confirms = workload.acks() != Acks.NONE;
        boolean durable = workload.acks() == Acks.STORED;
        int window = window(workload);
        int ackEvery = ackEvery(workload);
        probe.detail("rabbitmq", String.format("queue %s, durable %s, persistent %s; a publishing and a consuming connection,"
                + " a channel each, the consumer on one thread; publisher confirms %s (window %,d), consumer qos %,d, %s",
                queue, durable, durable, confirms, window, workload.prefetch(),
                confirms ? "manual acks every " + ackEvery + " (multiple)" : "auto-ack"));
        try {
            Channel publishing = connection.createChannel();
            Channel consuming = consumerConnection.createChannel();
            publishing.queueDeclare(queue, durable, false, false, null);
            consuming.basicQos(workload.prefetch());
            consuming.basicConsume(queue, !confirms, new Reader(consuming, probe, confirms, ackEvery));
            Publisher publisher = new Publisher(publishing, queue, probe, confirms, durable, window);
            Disposable sending = PeerTargets.publishInPlace(payloads, publisher);
            return () -> {
                sending.dispose();
                try (Channel c = connection.createChannel()) {
                    c.queueDelete(queue);
                } catch (Exception e) {
                    // the broker will drop it with the connection if it is not durable; nothing else to do
                }
                closeQuietly(publishing);
                closeQuietly(consuming);
            };
        } catch (IOException e) {
            throw new TargetUnavailableException("rabbitmq: setting up queue " + queue + " at " + PeerTargets.safe(uri) + " failed: " + e, e);
        }
    }

    private static void closeQuietly(Channel c) {
        try {
            if (c.isOpen()) {
                c.close();
            }
        } catch (Exception e) {
            // closing after the phase: nothing to report
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
        closeQuietly(consumerConnection);
        connection = null;
        consumerConnection = null;
        if (consumerThread != null) {
            consumerThread.shutdownNow();
            consumerThread = null;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close(3_000);
            } catch (Exception e) {
                // the broker may be gone already
            }
        }
    }

    /** Publishes on the payload thread, at most {@code window} unconfirmed; counts confirms as acknowledgements. */
    private static final class Publisher extends BaseSubscriber<byte[]> {
        private final Channel channel;
        private final String queue;
        private final Probe probe;
        private final boolean confirms;
        private final AMQP.BasicProperties properties;
        private final Semaphore window;
        private final NavigableSet<Long> unconfirmed = new TreeSet<>();
        private boolean sourceDone;

        Publisher(Channel channel, String queue, Probe probe, boolean confirms, boolean persistent, int window) throws IOException {
            this.channel = channel;
            this.queue = queue;
            this.probe = probe;
            this.confirms = confirms;
            this.properties = persistent ? MessageProperties.MINIMAL_PERSISTENT_BASIC : MessageProperties.MINIMAL_BASIC;
            this.window = new Semaphore(window);
            if (confirms) {
                channel.confirmSelect();
                channel.addConfirmListener((tag, multiple) -> confirmed(tag, multiple),
                        (tag, multiple) -> probe.failed(new IllegalStateException("rabbitmq refused (nack) publish " + tag)));
            }
        }

        @Override
        protected void hookOnNext(byte[] value) {
            try {
                if (confirms) {
                    window.acquire();
                    synchronized (unconfirmed) {
                        unconfirmed.add(channel.getNextPublishSeqNo());
                    }
                }
                channel.basicPublish("", queue, properties, value);
                if (!confirms) {
                    probe.acked();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
            } catch (IOException | RuntimeException e) {
                probe.failed(e);
                cancel();
            }
        }

        /** On the connection's thread: one or (multiple) every outstanding publish up to {@code tag} is confirmed. */
        private void confirmed(long tag, boolean multiple) {
            int n;
            boolean all;
            synchronized (unconfirmed) {
                NavigableSet<Long> done = multiple ? unconfirmed.headSet(tag, true) : unconfirmed.subSet(tag, true, tag, true);
                n = done.size();
                done.clear();
                all = sourceDone && unconfirmed.isEmpty();
            }
            for (int i = 0; i < n; i++) {
                probe.acked();
            }
            window.release(n);
            if (all) {
                probe.acksCompleted();
            }
        }

        @Override
        protected void hookOnComplete() {
            boolean all;
            synchronized (unconfirmed) {
                sourceDone = true;
                all = !confirms || unconfirmed.isEmpty();
            }
            if (all) {
                probe.acksCompleted();
            }
        }

        @Override
        protected void hookOnError(Throwable e) {
            probe.failed(e);
        }
    }

    /** Delivers on the client's consumer thread; acknowledges with {@code multiple} every {@code ackEvery}. */
    private static final class Reader extends DefaultConsumer {
        private final Probe probe;
        private final boolean manualAcks;
        private final int ackEvery;
        private int unacked;

        Reader(Channel channel, Probe probe, boolean manualAcks, int ackEvery) {
            super(channel);
            this.probe = probe;
            this.manualAcks = manualAcks;
            this.ackEvery = ackEvery;
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
            probe.received(0, Payload.seq(body), Payload.intendedNanos(body), System.nanoTime());
            if (manualAcks && ++unacked >= ackEvery) {
                getChannel().basicAck(envelope.getDeliveryTag(), true);
                unacked = 0;
            }
        }
    }
}
