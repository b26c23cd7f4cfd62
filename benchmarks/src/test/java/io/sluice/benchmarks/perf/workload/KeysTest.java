package io.sluice.benchmarks.perf.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void keylessRecordsHaveNoKeyAndGoToProducersInTurn() {
        Keys k = Keys.of(Workload.builder().producers(3).partitions(4).build());
        assertThat(k.keyed()).isFalse();
        assertThat(k.key(7)).isNull();
        assertThat(k.producer(7)).isEqualTo(1);
        assertThat(k.lanes(4)).isEqualTo(12);
        // a lane per partition and producer
        assertThat(k.lane(2, 7)).isEqualTo(2 * 3 + 1);
    }

    @Test
    void keysAreSpreadUniformly() {
        Keys k = Keys.of(Workload.builder().keys(16).build());
        int[] counts = new int[16];
        for (long seq = 0; seq < 1_600_000; seq++) {
            counts[k.index(seq)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(98_000, 102_000); // within 2% of 100,000
        }
    }

    @Test
    void aKeyIsItsIndexAndAlwaysHasOneProducerAndOneLane() {
        Keys k = Keys.of(Workload.builder().keys(100).producers(4).build());
        for (long seq = 0; seq < 10_000; seq++) {
            int index = k.index(seq);
            assertThat(ByteBuffer.wrap(k.key(seq)).getInt()).isEqualTo(index);
            assertThat(k.producer(seq)).isEqualTo(index % 4);
            assertThat(k.lane(3, seq)).isEqualTo(index);
        }
        assertThat(k.lanes(8)).isEqualTo(100);
    }
}
