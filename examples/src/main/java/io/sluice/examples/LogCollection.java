package io.sluice.examples;

import io.micrometer.core.instrument.Counter;
import io.sluice.Sluice;
import io.sluice.admin.OverflowPolicy;
import io.sluice.admin.TopicDescription;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.Consumer;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.metrics.SluiceMeters;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Log collection: many services ship log lines into one topic at high volume, batched ({@code linger} 5 ms, 64 KiB
 * batches), and one deliberately modest collector counts them per level and per second. The topic is a bounded ring
 * ({@code OverflowPolicy.DROP_OLDEST}, {@code maxBacklog} lines per partition): producers never wait for the
 * collector, and when it falls further behind than that, the oldest lines it has not read are skipped. The collector
 * counts what it lost from the gaps in the offsets it receives, so that sent == received + dropped holds exactly.
 *
 * <p>Each producer's window: {@code --max-in-flight} batches per partition appended but not yet acknowledged
 * ({@link ProducerOptions#maxInFlight}) and {@code --max-pending} lines one send holds until their results are out
 * ({@link ProducerOptions#maxPending}), by default the library's. A wider window keeps more batches pipelined; a
 * narrower one holds less memory, and one narrower than a batch's worth of lines leaves each batch waiting out its
 * linger half empty ({@code --max-pending 1}: one line per 5 ms per producer).
 */
@Command(name = "log-collection", mixinStandardHelpOptions = true,
        description = "Many producers ship log lines into a DROP_OLDEST topic; a slower collector counts levels per second and its drops.")
public final class LogCollection extends Example {
    private static final String TOPIC = "logs";
    private static final String[] SERVICES = {"checkout", "payments", "search", "inventory", "shipping", "accounts", "gateway", "email"};
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration TICK = Duration.ofMillis(10);
    private static final Duration LINGER = Duration.ofMillis(5);
    private static final int BATCH_SIZE = 64 * 1024;

    @Option(names = "--producers", converter = Positive.class, defaultValue = "8", description = "services shipping logs, each its own producer (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--rate", converter = Positive.class, defaultValue = "50000", description = "lines per second each service ships (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", converter = Positive.class, defaultValue = "10", description = "how long the services ship (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--records", converter = NonNegative.class, defaultValue = "0", description = "log lines to ship in all, split over the producers,"
            + " instead of running for --seconds (default: ${DEFAULT-VALUE}: use --seconds)")
    int records;

    @Option(names = "--partitions", converter = Positive.class, defaultValue = "4", description = "partitions of the topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--max-backlog", converter = Positive.class, defaultValue = "20000", description = "lines per partition the collector may be behind"
            + " before the oldest are dropped (default: ${DEFAULT-VALUE})")
    int maxBacklog;

    @Option(names = "--max-in-flight", converter = Positive.class, description = "batches per partition a producer has"
            + " appended but not yet acknowledged, at most: pipelining vs memory (default: ${DEFAULT-VALUE}, the library's)")
    int maxInFlight = ProducerOptions.create().maxInFlight();

    @Option(names = "--max-pending", converter = Positive.class, description = "lines one send holds between taking them"
            + " and emitting their results, at most: pipelining vs memory (default: ${DEFAULT-VALUE}, the library's)")
    int maxPending = ProducerOptions.create().maxPending();

    @Option(names = "--consumer-rate", converter = NonNegative.class, defaultValue = "200000", description = "lines per second the collector can index;"
            + " 0: as fast as it can (default: ${DEFAULT-VALUE})")
    int consumerRate;

    @Override
    protected void run(Summary summary) {
        try (Sluice sluice = Sluice.embedded()) {
            // a ring: each partition keeps its newest maxBacklog lines, and appends never wait for the collector
            sluice.admin().createTopic(TopicSpec.of(TOPIC).partitions(partitions)
                    .overflow(OverflowPolicy.DROP_OLDEST).maxBacklog(maxBacklog)).block(TIMEOUT);
            say("log-collection: %d services x %,d lines/s -> topic '%s' (%d partitions, DROP_OLDEST beyond %,d lines each)"
                    + " -> collector at %s", producers, rate, TOPIC, partitions, maxBacklog,
                    consumerRate == 0 ? "full speed" : grouped(consumerRate) + " lines/s");
            say("each producer: batch size %d KiB, linger %d ms, max in flight %d batches per partition, max pending %,d"
                    + " lines per send", BATCH_SIZE / 1024, LINGER.toMillis(), maxInFlight, maxPending);

            Collector collector = new Collector(partitions);
            LongAdder sent = new LongAdder();
            long start = System.nanoTime();
            Disposable collecting = collect(sluice, collector);
            ship(sluice, sent);
            double shipSeconds = (System.nanoTime() - start) / 1e9;
            say("producers done: %,d lines in %.1f s; the collector reads what the ring still holds", sent.sum(), shipSeconds);
            collector.awaitEnds(endOffsets(sluice));
            double collectSeconds = (System.nanoTime() - start) / 1e9;
            collecting.dispose();

            long engineDropped = (long) sluice.meterRegistry().get(SluiceMeters.RECORDS_DROPPED).counter().count();
            if (engineDropped != collector.dropped()) {
                say("the engine's %s counter says %,d: it counts from the collector's acknowledged position, so the lines it"
                        + " had already taken (the rest of a batch, its prefetch) when the ring moved past them count there"
                        + " too, and still arrived", SluiceMeters.RECORDS_DROPPED, engineDropped);
            }
            report(summary, sent.sum(), collector, shipSeconds, collectSeconds, engineDropped);
        }
    }

    private void report(Summary summary, long sent, Collector collector, double shipSeconds, double collectSeconds, long engineDropped) {
        long received = collector.received();
        long dropped = collector.dropped();
        long[] levels = collector.levels();
        summary.put("producers", producers)
                .put("sent", grouped(sent))
                .put("received", grouped(received))
                .put("dropped", grouped(dropped) + String.format(Locale.ROOT, " (%.1f%%, from offset gaps)", 100.0 * dropped / Math.max(1, sent)))
                .put("engine dropped counter", grouped(engineDropped))
                .put("producer rate", grouped((long) (sent / shipSeconds)) + " msgs/s")
                .put("consumer rate", grouped((long) (received / collectSeconds)) + " msgs/s");
        for (Level level : Level.values()) {
            summary.put(level.name(), grouped(levels[level.ordinal()]));
        }
        summary.check("received + dropped == sent", received + dropped == sent)
                .check("levels sum to received", levels[0] + levels[1] + levels[2] + levels[3] == received);
    }

    /**
     * The services: each its own producer sending its own flux of lines, keyed by service (so a service's lines stay
     * in one partition, in order), paced on a thread of its own, until --records or --seconds are done; returns once
     * every line is acknowledged.
     */
    private void ship(Sluice sluice, LongAdder sent) {
        ProducerOptions options = ProducerOptions.create().linger(LINGER).batchSize(BATCH_SIZE)
                .maxInFlight(maxInFlight).maxPending(maxPending);
        Scheduler serviceThreads = Schedulers.newParallel("service", producers);
        List<Producer> opened = new ArrayList<>();
        List<Flux<?>> sends = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            String service = SERVICES[i % SERVICES.length] + (i < SERVICES.length ? "" : "-" + (i / SERVICES.length + 1));
            Flux<OutboundMessage<Void>> lines = logLines(service, serviceThreads);
            lines = records > 0 ? lines.take(records / producers + (i < records % producers ? 1 : 0))
                    : lines.take(Duration.ofSeconds(seconds), serviceThreads);
            Producer producer = sluice.producer(options.clientId(service));
            opened.add(producer);
            sends.add(producer.send(lines).doOnNext(result -> sent.increment()));
        }
        try {
            Flux.merge(sends).blockLast(TIMEOUT);
        } finally {
            opened.forEach(Producer::close);
            serviceThreads.dispose();
        }
    }

    /**
     * One service's endless log at --rate lines a second: every 10 ms the lines due since the start (a tick that finds
     * the producer still busy is skipped, and the next one catches up). 40% DEBUG, 45% INFO, 10% WARN, 5% ERROR.
     */
    private Flux<OutboundMessage<Void>> logLines(String service, Scheduler thread) {
        long[] next = {0}; // the next line's number; touched by one tick at a time
        return Flux.interval(TICK, thread)
                .onBackpressureDrop()
                .concatMap(tick -> {
                    long from = next[0];
                    long due = (tick + 1) * TICK.toMillis() * rate / 1000;
                    next[0] = Math.max(from, due);
                    return Flux.range(0, (int) Math.max(0, due - from)).map(i -> line(service, from + i));
                }, 1);
    }

    private static OutboundMessage<Void> line(String service, long seq) {
        String line = service + " " + Level.of(seq) + " request " + seq + " served in " + seq % 97 + " ms";
        return OutboundMessage.of(TOPIC, service, line.getBytes(StandardCharsets.UTF_8), null);
    }

    /**
     * The collector: takes lines in bulks of up to 1,000, indexes each bulk at --consumer-rate (a stand-in for a
     * search index), counts offsets and levels, and prints one line per second with that second's counts.
     */
    private Disposable collect(Sluice sluice, Collector collector) {
        Counter appended = sluice.meterRegistry().get(SluiceMeters.RECORDS_IN).tag(SluiceMeters.TAG_TOPIC, TOPIC).counter();
        Consumer consumer = sluice.consumer(ConsumerOptions.create("log-collector").topics(TOPIC));
        return consumer.receiveAutoAck()                 // a lost log line is no reason to read it twice
                .bufferTimeout(1000, Duration.ofMillis(100), true)
                .concatMap(this::index, 1)
                .map(collector::count)
                .window(Duration.ofSeconds(1))
                .concatMap(second -> second.reduce(new long[Level.values().length], LogCollection::add))
                .index()
                .subscribe(second -> {
                    long[] levels = second.getT2();
                    say("second %2d: collected %,8d (DEBUG %,7d  INFO %,7d  WARN %,6d  ERROR %,6d); so far appended %,d, dropped %,d",
                            second.getT1() + 1, levels[0] + levels[1] + levels[2] + levels[3], levels[0], levels[1], levels[2],
                            levels[3], (long) appended.count(), collector.dropped());
                });
    }

    /** The collector's modest part: a bulk write that takes {@code lines / --consumer-rate} seconds. */
    private Mono<List<Record>> index(List<Record> lines) {
        return consumerRate == 0 ? Mono.just(lines)
                : Mono.delay(Duration.ofNanos(lines.size() * 1_000_000_000L / consumerRate)).thenReturn(lines);
    }

    private static long[] add(long[] sum, long[] counts) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += counts[i];
        }
        return sum;
    }

    private static long[] endOffsets(Sluice sluice) {
        TopicDescription topic = sluice.admin().describeTopic(TOPIC).block(TIMEOUT);
        return topic.partitions().stream().mapToLong(TopicDescription.PartitionInfo::endOffset).toArray();
    }

    enum Level {
        DEBUG, INFO, WARN, ERROR;

        /** The level of a service's line number {@code seq}: 8, 9, 2 and 1 in every 20. */
        static Level of(long seq) {
            int i = (int) (seq % 20);
            return i < 8 ? DEBUG : i < 17 ? INFO : i < 19 ? WARN : ERROR;
        }

        /** The level of a line {@code "service LEVEL ..."}. */
        static Level parse(String line) {
            int from = line.indexOf(' ') + 1;
            return valueOf(line.substring(from, line.indexOf(' ', from)));
        }
    }

    /**
     * What the collector has seen. Dropped lines are the gaps between the offsets it received in each partition:
     * DROP_OLDEST moved the partition's start past lines it had not read, and its next read began there. Once it has
     * read up to each partition's end, sent == received + dropped.
     */
    static final class Collector {
        private final AtomicLongArray next;     // per partition: the offset after the last line received
        private final LongAdder received = new LongAdder();
        private final LongAdder dropped = new LongAdder();
        private final LongAdder[] levels = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};

        Collector(int partitions) {
            this.next = new AtomicLongArray(partitions);
        }

        /** Counts one bulk of lines; returns its count per level. */
        long[] count(List<Record> lines) {
            long[] counts = new long[Level.values().length];
            for (Record r : lines) {
                long gap = r.offset() - next.get(r.partition());
                if (gap > 0) {
                    dropped.add(gap);
                }
                next.set(r.partition(), r.offset() + 1);
                counts[Level.parse(r.valueAsString()).ordinal()]++;
            }
            received.add(lines.size());
            for (int i = 0; i < counts.length; i++) {
                levels[i].add(counts[i]);
            }
            return counts;
        }

        /** Waits until every partition is read to {@code ends} (the producers are done, so nothing more is dropped). */
        void awaitEnds(long[] ends) {
            boolean readToTheEnd = awaitUntil(() -> {
                for (int p = 0; p < ends.length; p++) {
                    if (next.get(p) < ends[p]) {
                        return false;
                    }
                }
                return true;
            }, TIMEOUT);
            if (!readToTheEnd) {
                throw new IllegalStateException("the collector did not read every partition to its end within " + TIMEOUT);
            }
        }

        long received() {
            return received.sum();
        }

        long dropped() {
            return dropped.sum();
        }

        long[] levels() {
            long[] l = new long[levels.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = levels[i].sum();
            }
            return l;
        }
    }
}
