package io.sluice.store.r2dbc;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.partition.Partitioners;
import io.sluice.producer.Acks;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import reactor.core.publisher.Flux;

/**
 * The child process of {@link CrashTestBase}: opens an engine on a durable store, creates the topic, and produces
 * records with {@code Acks.STORED} until it is killed, printing {@code ACK <partition> <offset> <seq>} for every
 * acknowledged record (after the store committed it) and flushing each line.
 *
 * <p>Arguments: {@code h2 <file>} or {@code postgres <r2dbc url>}, then the topic.
 */
public final class CrashProducer {
    private CrashProducer() {
    }

    /** The value of record {@code seq}: 100 bytes, its sequence number first, then a pattern derived from it. */
    public static byte[] value(long seq) {
        ByteBuffer b = ByteBuffer.allocate(100);
        b.putLong(seq);
        while (b.hasRemaining()) {
            b.put((byte) (seq * 31 + b.position()));
        }
        return b.array();
    }

    public static void main(String[] args) {
        R2dbcStore store = args[0].equals("h2") ? R2dbcStore.h2File(Path.of(args[1])) : R2dbcStore.postgres(args[1]);
        String topic = args[2];
        Sluice sluice = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("crash"));
        sluice.admin().createTopic(TopicSpec.of(topic).partitions(3).retentionRecords(10_000_000)).block();
        PrintStream out = System.out;
        out.println("READY");
        out.flush();
        sluice.producer(ProducerOptions.create().acks(Acks.STORED).partitioner(Partitioners.roundRobin()).batchSize(4096))
                .send(Flux.range(0, Integer.MAX_VALUE).map(i -> OutboundMessage.of(topic, (String) null, value(i), (long) i)))
                .doOnNext(r -> {
                    out.println("ACK " + r.partition() + " " + r.offset() + " " + r.correlation());
                    out.flush();
                })
                .blockLast();
    }
}
