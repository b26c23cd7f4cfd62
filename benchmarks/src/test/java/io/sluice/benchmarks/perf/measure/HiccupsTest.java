package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HiccupsTest {
    @Test
    void countsWakeUpsLateByAtLeastOneAndTenMillisecondsAndTheWorst() {
        Hiccups h = new Hiccups();
        h.record(TimeUnit.MICROSECONDS.toNanos(500));
        h.record(TimeUnit.MILLISECONDS.toNanos(2));
        h.record(TimeUnit.MILLISECONDS.toNanos(15));
        assertThat(h.describe()).isEqualTo("an idle thread woke >= 1 ms late 2 times (17 ms in all), >= 10 ms late 1"
                + " times, at worst 15.0 ms (GC pauses and machine stalls, whatever the target)");
    }
}
