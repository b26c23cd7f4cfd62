package io.sluice.store.r2dbc;

import io.sluice.log.RecordBatch;
import io.sluice.record.TopicPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Not a test: how many 30-record batches of 100-byte records each store takes through {@code append} with group
 * commit, with 256 appends in flight over 8 partitions. Run with
 * {@code java -cp <test classpath> io.sluice.store.r2dbc.ThroughputProbe [h2file|h2mem|postgres URL] [seconds]}.
 */
public final class ThroughputProbe {
    private ThroughputProbe() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "h2file";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("sluice-probe");
        R2dbcStore store = switch (which) {
            case "h2file" -> R2dbcStore.h2File(dir.resolve("probe"));
            case "h2mem" -> R2dbcStore.h2Memory();
            default -> R2dbcStore.postgres(which);
        };
        List<RecordBatch> templates = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            templates.add(R2dbcStoreContract.batch(0, 30, i));
        }
        long[] next = new long[8];
        try (store) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            Flux.<Integer>generate(sink -> sink.next(0))
                    .takeWhile(x -> System.nanoTime() < end)
                    .index()
                    .flatMap(t -> {
                        int p = (int) (t.getT1() % 8);
                        RecordBatch b = RecordBatch.wrap(templates.get((int) (t.getT1() % 64)).array().clone());
                        synchronized (next) {
                            b.assignBaseOffset(next[p]);
                            next[p] += 30;
                        }
                        return store.append(TopicPartition.of("probe", p), b);
                    }, 256)
                    .then().block();
            double secs = (System.nanoTime() - start) / 1e9;
            long appended = 0;
            for (long n : next) {
                appended += n / 30;
            }
            System.out.printf("%s: %,d batches in %.1f s = %,.0f batches/s = %,.0f records/s, %,d transactions (%.0f batches each)%n",
                    store, appended, secs, appended / secs, appended * 30 / secs, store.transactions(),
                    (double) appended / store.transactions());
        }
    }
}
