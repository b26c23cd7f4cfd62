package io.sluice.benchmarks.perf.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesUnitsAndIso() {
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("0")).isZero();
    }

    @Test
    void rejectsNegativeAndGarbage() {
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("'-1s' is not a duration");
        assertThatThrownBy(() -> Durations.parse("PT-1S")).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("soon");
    }

    @Test
    void formatsShortly() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
        assertThat(Durations.format(Duration.ofNanos(250_000))).isEqualTo("250us");
        assertThat(Durations.format(Duration.ofMillis(2))).isEqualTo("2ms");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }
}
