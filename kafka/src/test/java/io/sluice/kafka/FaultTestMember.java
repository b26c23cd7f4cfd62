package io.sluice.kafka;

import io.sluice.Sluice;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.kafka.cluster.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The member {@link KafkaFaultTest} runs in a child JVM so that it can kill it: {@code process()} with concurrency 64
 * under {@code PER_KEY}, writing each record it handles to a file ({@code S partition offset index}) before the handler
 * completes, so that everything it acknowledged is on record when it dies; and each rebalance ({@code R generation
 * partitions}).
 */
public final class FaultTestMember {
    private FaultTestMember() {
    }

    /** {@code FaultTestMember bootstrap topic group file}. */
    public static void main(String[] args) throws Exception {
        ChildJvm.exitWithParent("the member");
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        Path file = Path.of(args[3]);
        Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Sluice sluice = KafkaSluice.connect(KafkaFaultTest.memberOptions(bootstrap));
        var consumer = sluice.consumer(KafkaFaultTest.consumerOptions(group, topic));
        consumer.rebalances().subscribe(e -> write(out, "R " + e.generation() + " "
                + e.assigned().stream().map(tp -> Integer.toString(tp.partition())).sorted().collect(Collectors.joining(","))));
        consumer.process(r -> Mono.fromRunnable(() -> write(out, "S " + r.partition() + " " + r.offset() + " "
                        + KafkaFaultTest.index(r))).subscribeOn(Schedulers.boundedElastic()))
                .subscribe(null, e -> {
                    write(out, "E " + e);
                    System.exit(1);
                });
        System.out.println("member: consuming");
        new CountDownLatch(1).await(); // until killed
    }

    private static void write(Writer out, String line) {
        synchronized (out) {
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static ConsumerOptions options(String group, String topic) {
        return ConsumerOptions.create(group).topics(topic).concurrency(64).ordering(Ordering.PER_KEY).commitBatchSize(100)
                .commitInterval(Duration.ofSeconds(1));
    }
}
