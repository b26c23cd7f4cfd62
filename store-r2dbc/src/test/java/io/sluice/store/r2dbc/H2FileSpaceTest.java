package io.sluice.store.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.OffsetRange;
import io.sluice.record.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Many small transactions with retention: the H2 file must stay bounded (H2's MVStore appends a chunk per commit
 * and only reuses space once old chunks are free and past their retention time).
 */
class H2FileSpaceTest {
    static final int BATCHES = 200_000;
    static final int KEEP = 10_000;
    static final int WAVE = 5_000;
    /** Measured: at most ~12.6 MB with the store's settings (2.4 MB after close), 291 MB with H2's defaults. */
    static final long BOUND = 32L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void theFileStaysBoundedUnderRetention() throws IOException {
        Path file = dir.resolve("space.mv.db");
        TopicPartition tp = TopicPartition.of("space", 0);
        long max = 0;
        try (R2dbcStore store = R2dbcStore.h2File(file)) {
            for (int wave = 0; wave < BATCHES / WAVE; wave++) {
                long from = (long) wave * WAVE;
                // at most 32 appends in flight: many small group commits, as a trickle of producers makes them
                Flux.range(0, WAVE).flatMap(i -> store.append(tp, R2dbcStoreContract.batch(from + i, 1, from + i)), 32).then().block();
                long end = from + WAVE;
                store.deleteBefore(tp, Math.max(0, end - KEEP)).block();
                long size = Files.size(file);
                max = Math.max(max, size);
                if (wave % 8 == 7) {
                    System.out.printf("H2 file after %,d batches (%,d kept, %,d transactions): %,d bytes%n", end,
                            Math.min(end, KEEP), store.transactions(), size);
                }
            }
            assertThat(store.offsets(tp).block()).isEqualTo(new OffsetRange(BATCHES - KEEP, BATCHES));
        }
        System.out.printf("H2 file: largest %,d bytes, after close %,d bytes%n", max, Files.size(file));
        assertThat(max).isLessThan(BOUND);
    }
}
