package io.sluice.examples;

import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.consumer.Ordering;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The same records processed by three kinds of handler: single-threaded (one synchronous handler at a time),
 * multi-threaded (a blocking call of about 1 ms moved to {@code boundedElastic}, {@code --concurrency} at once) and
 * asynchronous (a non-blocking call of about 1 ms, {@code Mono.delay}, {@code --async-concurrency} at once), each
 * under the orderings where it matters. It prints the throughput of each and whether every key's records took effect
 * in offset order: {@code PER_PARTITION} runs at most one handler per partition, {@code PER_KEY} one per key,
 * {@code UNORDERED} as many as the concurrency allows, and may reorder a key's records.
 */
@Command(name = "concurrency", mixinStandardHelpOptions = true,
        description = "Single-threaded, multi-threaded and asynchronous handlers under each ordering: "
                + "throughput and per-key order.")
public final class ConcurrencyExample extends Example {
    private static final String TOPIC = "work";

    @Option(names = "--records", converter = Positive.class, paramLabel = "N",
            description = "records, processed once by each run (default: ${DEFAULT-VALUE})")
    int records = 20_000;

    @Option(names = "--keys", converter = Positive.class, paramLabel = "N",
            description = "distinct keys, drawn at random for each record (default: ${DEFAULT-VALUE})")
    int keys = 100;

    @Option(names = "--partitions", converter = Positive.class, paramLabel = "N", description = "partitions of the topic (default: ${DEFAULT-VALUE})")
    int partitions = 4;

    @Option(names = "--concurrency", converter = Positive.class, paramLabel = "N",
            description = "handlers at once for the multi-threaded handler (default: ${DEFAULT-VALUE})")
    int concurrency = 8;

    @Option(names = "--async-concurrency", converter = Positive.class, paramLabel = "N",
            description = "handlers at once for the asynchronous handler, which holds no thread while it waits "
                    + "(default: ${DEFAULT-VALUE})")
    int asyncConcurrency = 64;

    /** How a handler does its work. */
    enum Style {
        SINGLE_THREADED("single-threaded", "in-line work, no call"),
        MULTI_THREADED("multi-threaded", "blocking call ~1 ms"),
        ASYNCHRONOUS("asynchronous", "non-blocking call ~1 ms");

        final String label;
        final String work;

        Style(String label, String work) {
            this.label = label;
            this.work = work;
        }
    }

    /** One run: a handler style under one ordering, and what it measured. */
    record Run(Style style, int concurrency, Ordering ordering, long processed, long elapsedNanos, boolean exactlyOnce,
               long outOfOrder) {
        String name() {
            return style.label + " " + ordering;
        }

        long recordsPerSecond() {
            return elapsedNanos == 0 ? 0 : processed * 1_000_000_000L / elapsedNanos;
        }

        String order() {
            return outOfOrder == 0 ? "held" : String.format(Locale.ROOT, "broken %,d times", outOfOrder);
        }
    }

    @Override
    protected void run(Summary summary) throws Exception {
        try (Sluice sluice = Sluice.embedded()) {
            produceRecords(sluice);
            long[] endOffsets = endOffsets(sluice);
            // Not measured: the JIT compiles the pipeline's code, which the first measured run would pay for.
            process(sluice, "warm-up", Style.SINGLE_THREADED, 1, Ordering.PER_PARTITION, endOffsets);
            List<Run> runs = new ArrayList<>();
            // One handler at a time: the ordering makes no difference, so one run under the default.
            runs.add(process(sluice, "single", Style.SINGLE_THREADED, 1, Ordering.PER_PARTITION, endOffsets));
            for (Ordering ordering : Ordering.values()) {
                runs.add(process(sluice, "multi-" + ordering, Style.MULTI_THREADED, concurrency, ordering, endOffsets));
            }
            for (Ordering ordering : Ordering.values()) {
                runs.add(process(sluice, "async-" + ordering, Style.ASYNCHRONOUS, asyncConcurrency, ordering, endOffsets));
            }
            printTable(runs);
            summarize(runs, summary);
        }
    }

    /** Step 1: {@code --records} records over {@code --keys} random keys; the producer's key hash picks the partition. */
    private void produceRecords(Sluice sluice) {
        sluice.admin().createTopic(TopicSpec.of(TOPIC).partitions(partitions)).block();
        Random random = new Random(42);
        byte[] value = new byte[100];
        long sent = sluice.producer(ProducerOptions.create())
                .send(Flux.range(0, records).map(i -> OutboundMessage.of(TOPIC, "key-" + random.nextInt(keys), value, i)))
                .count().block();
        say("sent %,d records over %,d keys into %d partitions of '%s'", sent, keys, partitions, TOPIC);
    }

    private long[] endOffsets(Sluice sluice) {
        TopicDescription topic = sluice.admin().describeTopic(TOPIC).block();
        return topic.partitions().stream().mapToLong(TopicDescription.PartitionInfo::endOffset).toArray();
    }

    /** Step 2, once per run: a fresh group reads every record from the start and processes it with the style's handler. */
    private Run process(Sluice sluice, String group, Style style, int handlers, Ordering ordering, long[] endOffsets) {
        Tally tally = new Tally(endOffsets, keys);
        Consumer consumer = sluice.consumer(ConsumerOptions.create(group).topics(TOPIC)
                .concurrency(handlers).ordering(ordering));
        long start = System.nanoTime();
        long processed = consumer.process(handler(style, tally))
                .take(records)
                .timeout(Duration.ofSeconds(10), Flux.empty()) // stops waiting if records stop coming; the counts then tell
                .count().block();
        Run run = new Run(style, handlers, ordering, processed, System.nanoTime() - start, tally.exactlyOnce(),
                tally.outOfOrder());
        say("group %-20s %,9d records/s, per-key order %s", group, run.recordsPerSecond(), run.order());
        return run;
    }

    /**
     * The three handlers. Each ends with {@link Tally#processed}, the record's effect; {@code process} acknowledges the
     * record when the returned {@code Mono} completes. Handlers are called on Sluice's non-blocking threads.
     */
    private static Function<Record, Mono<?>> handler(Style style, Tally tally) {
        return switch (style) {
            // Synchronous and quick: runs on the thread that delivered the record, no hand-off.
            case SINGLE_THREADED -> record -> Mono.fromRunnable(() -> tally.processed(record));
            // A blocking call must leave the non-blocking thread: subscribeOn moves it to boundedElastic.
            case MULTI_THREADED -> record -> Mono.fromRunnable(() -> {
                LockSupport.parkNanos(callNanos()); // stands for a blocking call (JDBC, a file, a blocking client)
                tally.processed(record);
            }).subscribeOn(Schedulers.boundedElastic());
            // A non-blocking call holds no thread while it waits; its answer arrives on a timer thread.
            case ASYNCHRONOUS -> record -> Mono.delay(Duration.ofNanos(callNanos())) // stands for a non-blocking client
                    .doOnNext(x -> tally.processed(record));
        };
    }

    /** How long a call takes: 0.5 to 1.5 ms, as a remote call's time varies. */
    private static long callNanos() {
        return ThreadLocalRandom.current().nextLong(500_000, 1_500_000);
    }

    /** Step 3: the table. */
    private void printTable(List<Run> runs) {
        say("");
        say("%-16s %-24s %11s  %-13s %10s %10s  %s", "handler", "each record", "concurrency", "ordering", "records/s",
                "elapsed", "per-key order");
        for (Run run : runs) {
            say("%-16s %-24s %11d  %-13s %,10d %,7d ms  %s", run.style().label, run.style().work, run.concurrency(),
                    run.ordering(), run.recordsPerSecond(), run.elapsedNanos() / 1_000_000, run.order());
        }
        say("");
    }

    /** Step 4: one line per run; order must hold wherever an ordering promises it, and every record count once. */
    private void summarize(List<Run> runs, Summary summary) {
        summary.put("records", String.format(Locale.ROOT, "%,d", records)).put("keys", keys).put("partitions", partitions)
                .put("runs", runs.size());
        for (Run run : runs) {
            summary.put(run.name(), String.format(Locale.ROOT, "%,d records/s, %,d ms, concurrency %d, per-key order %s",
                    run.recordsPerSecond(), run.elapsedNanos() / 1_000_000, run.concurrency(), run.order()));
        }
        summary.check("per-key order held under PER_PARTITION and PER_KEY", runs.stream()
                .filter(r -> r.ordering() != Ordering.UNORDERED).allMatch(r -> r.outOfOrder() == 0));
        summary.check("every record processed exactly once in every run", runs.stream()
                .allMatch(r -> r.processed() == records && r.exactlyOnce()));
    }

    /**
     * What one run saw, from any thread: how often each record was processed (per partition and offset), and how often
     * a record took effect after a later record of its key (per partition and key: the highest offset so far).
     */
    static final class Tally {
        private final AtomicIntegerArray[] timesProcessed;
        private final AtomicLongArray[] lastOffset;
        private final LongAdder outOfOrder = new LongAdder();

        Tally(long[] endOffsets, int keys) {
            timesProcessed = new AtomicIntegerArray[endOffsets.length];
            lastOffset = new AtomicLongArray[endOffsets.length];
            for (int p = 0; p < endOffsets.length; p++) {
                timesProcessed[p] = new AtomicIntegerArray((int) endOffsets[p]);
                lastOffset[p] = new AtomicLongArray(keys);
                for (int k = 0; k < keys; k++) {
                    lastOffset[p].set(k, -1);
                }
            }
        }

        void processed(Record record) {
            int p = record.partition();
            timesProcessed[p].incrementAndGet((int) record.offset());
            String keyName = record.keyAsString();
            int key = Integer.parseInt(keyName, "key-".length(), keyName.length(), 10);
            long before = lastOffset[p].getAndAccumulate(key, record.offset(), Math::max);
            if (before > record.offset()) {
                outOfOrder.increment();
            }
        }

        boolean exactlyOnce() {
            for (AtomicIntegerArray partition : timesProcessed) {
                for (int offset = 0; offset < partition.length(); offset++) {
                    if (partition.get(offset) != 1) {
                        return false;
                    }
                }
            }
            return true;
        }

        long outOfOrder() {
            return outOfOrder.sum();
        }
    }
}
