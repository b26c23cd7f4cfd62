package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TallyTest {

    @Test
    void aCleanRunHasNothingToReport() {
        Tally t = new Tally(2);
        for (int i = 0; i < 1000; i++) {
            t.record(i % 2, i);
        }
        assertThat(t.received()).isEqualTo(1000);
        assertThat(t.distinct()).isEqualTo(1000);
        assertThat(t.lost(1000)).isZero();
        assertThat(t.duplicated()).isZero();
        assertThat(t.reordered()).isZero();
    }

    @Test
    void countsALostADuplicatedAndAReorderedRecord() {
        Tally t = new Tally(1);
        // sent 0..9; 4 is lost, 6 comes twice, 8 and 7 swap places
        long[] arrivals = {0, 1, 2, 3, 5, 6, 6, 8, 7, 9};
        for (long s : arrivals) {
            t.record(0, s);
        }
        assertThat(t.received()).isEqualTo(10);
        assertThat(t.distinct()).isEqualTo(9);
        assertThat(t.lost(10)).isEqualTo(1);
        assertThat(t.seen(4)).isFalse();
        assertThat(t.duplicated()).isEqualTo(1);
        assertThat(t.reordered()).isEqualTo(1);
    }

    @Test
    void orderIsJudgedPerPartition() {
        Tally t = new Tally(2);
        t.record(0, 10);
        t.record(1, 3); // lower than partition 0's last, but partition 1 had nothing yet
        t.record(1, 4);
        t.record(0, 11);
        assertThat(t.reordered()).isZero();
        t.record(1, 2);
        assertThat(t.reordered()).isEqualTo(1);
    }

    @Test
    void recordsNeverSentDoNotHideLostOnes() {
        Tally t = new Tally(1);
        t.record(0, 0);
        t.record(0, 5); // beyond what was sent: must not compensate for 1 missing
        assertThat(t.lost(2)).isEqualTo(1);
    }

    @Test
    void mergeCountsOverlapAsDuplicates() {
        Tally a = new Tally(1);
        Tally b = new Tally(1);
        a.record(0, 0);
        a.record(0, 1);
        b.record(0, 1);
        b.record(0, 2);
        b.record(0, 2);
        a.merge(b);
        assertThat(a.received()).isEqualTo(5);
        assertThat(a.distinct()).isEqualTo(3);
        assertThat(a.duplicated()).isEqualTo(2);
        assertThat(a.lost(4)).isEqualTo(1);
    }

    @Test
    void corruptSequenceNumbersAreAnError() {
        Tally t = new Tally(1);
        assertThatThrownBy(() -> t.record(0, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
