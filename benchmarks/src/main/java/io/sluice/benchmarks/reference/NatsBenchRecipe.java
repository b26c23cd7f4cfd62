package io.sluice.benchmarks.reference;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reference loop for {@code sluice-perf parity}: NATS driven the way {@code nats bench} (the NATS CLI's benchmark,
 * which is not packaged for this machine) drives it, written from its documented recipe and sharing no code with
 * {@code sluice-perf}'s {@code nats} driver. It is <em>not</em> the nats tool, and the parity output says so.
 *
 * <ul>
 * <li>Separate clients: one connection publishes, another subscribes (nats bench's pub and sub/consume clients).</li>
 * <li>JetStream ({@code js}): a stream of the given storage; {@code nats bench js pub}: asynchronous publishes in
 *     batches of {@code --batch} (500), waiting for every acknowledgement of a batch before the next;
 *     {@code nats bench js consume}: a durable consumer with explicit acks, each message acknowledged as it is handled,
 *     the client buffering {@code --batch} (500) messages.</li>
 * <li>Core ({@code core}): {@code nats bench pub}/{@code sub} on a subject, the subscriber's pending limits lifted.</li>
 * <li>jnats flushes its socket on every request by default; nats.go (what nats bench is built on) does not, so the
 *     publisher here does not either ({@code dontForceFlushOnRequest}).</li>
 * </ul>
 * Prints {@code nats-bench-recipe received N msgs in S s after the warm-up: R msgs/s}, the subscriber's rate as nats
 * bench reports it (messages over the time from the first to the last), except that the first {@code warmupSeconds}
 * after the first message are left out, as {@code sluice-perf} leaves out its drivers' warm-up.
 *
 * <p>Arguments: {@code url js-memory|js-file|core name count size pubBatch pullBatch warmupSeconds}.
 */
public final class NatsBenchRecipe {
    private NatsBenchRecipe() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String mode = args[1];
        String name = args[2];
        long count = Long.parseLong(args[3]);
        int size = Integer.parseInt(args[4]);
        int pubBatch = Integer.parseInt(args[5]);
        int pullBatch = Integer.parseInt(args[6]);
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[7]));
        String subject = name.replace('-', '.');
        byte[] payload = new byte[size];
        AtomicLong received = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong measuredFrom = new AtomicLong();
        AtomicLong countedBefore = new AtomicLong(-1);
        AtomicLong last = new AtomicLong();
        CountDownLatch all = new CountDownLatch(1);
        Options.Builder options = Options.builder().server(url).connectionTimeout(Duration.ofSeconds(3)).noReconnect();
        try (Connection pub = Nats.connect(options.connectionName("nats-bench-recipe-pub").dontForceFlushOnRequest().build());
             Connection sub = Nats.connect(Options.builder().server(url).connectionTimeout(Duration.ofSeconds(3)).noReconnect()
                     .connectionName("nats-bench-recipe-sub").build())) {
            Runnable onMessage = () -> {
                long now = System.nanoTime();
                long n = received.incrementAndGet();
                if (n == 1) {
                    first.set(now);
                }
                if (countedBefore.get() < 0 && now - first.get() >= warmupNanos) {
                    measuredFrom.set(now);
                    countedBefore.set(n - 1);
                }
                last.set(now);
                if (n == count) {
                    all.countDown();
                }
            };
            MessageConsumer consumer = null;
            JetStreamManagement jsm = null;
            if (mode.startsWith("js")) {
                jsm = pub.jetStreamManagement();
                jsm.addStream(StreamConfiguration.builder().name(name).subjects(subject)
                        .storageType(mode.equals("js-file") ? StorageType.File : StorageType.Memory).build());
                consumer = sub.getStreamContext(name)
                        .createOrUpdateConsumer(ConsumerConfiguration.builder().durable("nats-bench").ackPolicy(AckPolicy.Explicit).build())
                        .consume(ConsumeOptions.builder().batchSize(pullBatch).build(), msg -> {
                            onMessage.run();
                            msg.ack();
                        });
                JetStream js = pub.jetStream();
                List<CompletableFuture<PublishAck>> batch = new ArrayList<>(pubBatch);
                for (long i = 0; i < count; i++) {
                    batch.add(js.publishAsync(subject, payload));
                    if (batch.size() == pubBatch || i == count - 1) {
                        CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
                        batch.clear();
                    }
                }
            } else {
                Dispatcher dispatcher = sub.createDispatcher(msg -> onMessage.run());
                dispatcher.subscribe(subject);
                dispatcher.setPendingLimits(-1, -1);
                sub.flush(Duration.ofSeconds(3));
                for (long i = 0; i < count; i++) {
                    pub.publish(subject, payload);
                }
                pub.flush(Duration.ofSeconds(30));
            }
            boolean complete = all.await(120, TimeUnit.SECONDS);
            if (consumer != null) {
                consumer.stop();
            }
            if (jsm != null) {
                jsm.deleteStream(name);
            }
            if (countedBefore.get() < 0) {
                System.out.println("nats-bench-recipe: every message arrived within the warm-up; nothing to measure");
                System.exit(4);
            }
            long measured = received.get() - countedBefore.get();
            double seconds = Math.max(1, last.get() - measuredFrom.get()) / 1e9;
            System.out.printf(Locale.ROOT, "nats-bench-recipe received %d msgs in %.3f s after the warm-up: %.1f msgs/s%n",
                    measured, seconds, measured / seconds);
            System.exit(complete ? 0 : 3);
        }
    }
}
