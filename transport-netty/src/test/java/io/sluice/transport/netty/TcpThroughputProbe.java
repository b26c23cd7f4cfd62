package io.sluice.transport.netty;

import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;

/**
 * Not a test: a quick end-to-end rate over loopback in one process (node and client), for profiling the
 * transport while working on it. {@code sluice-perf --targets sluice-tcp} is the measurement.
 * Arguments: seconds (default 10), partitions (default 4).
 */
public final class TcpThroughputProbe {
    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        try (LoopbackNode node = new LoopbackNode()) {
            node.admin().createTopic(TopicSpec.of("probe").partitions(partitions)).block();
            byte[] value = new byte[100];
            AtomicLong received = new AtomicLong();
            var consuming = node.consumer(ConsumerOptions.create("probe").topics("probe"))
                    .receive().doOnNext(d -> {
                        d.ack();
                        received.incrementAndGet();
                    }).subscribe();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            Flux<OutboundMessage<Void>> records = Flux.<OutboundMessage<Void>>generate(sink -> {
                if (System.nanoTime() > end) {
                    sink.complete();
                } else {
                    sink.next(OutboundMessage.of("probe", value));
                }
            });
            long t0 = System.nanoTime();
            long sent = node.producer(ProducerOptions.create()).send(records).count().block();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("sent %,d in %.1f s: %,.0f records/s; received %,d: %,.0f records/s%n", sent, s, sent / s,
                    received.get(), received.get() / s);
            consuming.dispose();
        }
    }
}
