package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.workload.Keys;
import io.sluice.benchmarks.perf.workload.Workload;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The probe when several consumer threads record at once, and order per key. */
class ProbeTest {

    @Test
    void consumerThreadsRecordSeparatelyAndTheTallyMergesThem() throws Exception {
        Probe probe = new Probe(Workload.builder().partitions(2).build(), false);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            long now = System.nanoTime();
            // thread A gets partition 0 (even numbers), thread B partition 1 (odd numbers) and a duplicate of 10
            CompletableFuture<?> a = CompletableFuture.runAsync(() -> {
                for (long s = 0; s < 100_000; s += 2) {
                    probe.received(0, s, now, now + 1_000);
                }
            }, threads);
            CompletableFuture<?> b = CompletableFuture.runAsync(() -> {
                for (long s = 1; s < 100_000; s += 2) {
                    probe.received(1, s, now, now + 2_000);
                }
                probe.received(0, 10, now, now + 3_000);
            }, threads);
            CompletableFuture.allOf(a, b).get();
        } finally {
            threads.shutdownNow();
        }
        probe.sourceCompleted(100_000, System.nanoTime());
        Tally t = probe.tally(0);
        assertThat(t.received()).isEqualTo(100_001);
        assertThat(t.distinct()).isEqualTo(100_000);
        assertThat(t.duplicated()).isEqualTo(1);
        assertThat(t.lost(100_000)).isZero();
        assertThat(t.reordered()).isZero();
        assertThat(probe.latencyHistogram().getTotalCount()).isEqualTo(100_001);
        assertThat(probe.latencyHistogram().getMaxValue()).isBetween(3_000L, 3_100L);
        assertThat(probe.isComplete()).isTrue();
    }

    @Test
    void eachGroupMustReceiveEveryRecordAndALossInOneGroupCounts() {
        Probe probe = new Probe(Workload.builder().groups(2).build(), false);
        long now = System.nanoTime();
        for (long s = 0; s < 10; s++) {
            probe.received(0, 0, s, now, now);
        }
        probe.sourceCompleted(10, now);
        assertThat(probe.isComplete()).as("group 1 has received nothing").isFalse();
        for (long s = 0; s < 10; s++) {
            if (s != 4) {
                probe.received(1, 0, s, now, now);
            }
        }
        probe.received(1, 0, 7, now, now);
        assertThat(probe.isComplete()).as("group 1 lacks record 4").isFalse();
        assertThat(probe.tally(0).lost(10)).isZero();
        assertThat(probe.tally(1).lost(10)).isEqualTo(1);
        assertThat(probe.tally(1).duplicated()).isEqualTo(1);
        probe.received(1, 0, 4, now, now);
        assertThat(probe.isComplete()).isTrue();
    }

    @Test
    void withKeysOrderIsJudgedPerKey() {
        Workload w = Workload.builder().keys(4).partitions(1).build();
        Keys keys = Keys.of(w);
        // two records of one key, and one of another key, all in one partition
        long first = 0;
        long sameKey = 1;
        while (keys.index(sameKey) != keys.index(first)) {
            sameKey++;
        }
        long otherKey = sameKey + 1;
        while (keys.index(otherKey) == keys.index(first)) {
            otherKey++;
        }
        Probe probe = new Probe(w, false);
        long now = System.nanoTime();
        probe.received(0, otherKey, now, now); // a higher number of another key first: not a reorder
        probe.received(0, first, now, now);
        assertThat(probe.tally(0).reordered()).isZero();
        Probe swapped = new Probe(w, false);
        swapped.received(0, sameKey, now, now); // the same key's later record first: a reorder
        swapped.received(0, first, now, now);
        assertThat(swapped.tally(0).reordered()).isEqualTo(1);
    }
}
