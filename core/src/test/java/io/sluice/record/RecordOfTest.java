package io.sluice.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Record#of}, what adapters (sluice-kafka's consumer) make records of another client's arrays with. */
class RecordOfTest {

    @Test
    void aKeylessRecordHoldsItsValueAndAKeyedOneCopiesBoth() {
        byte[] value = {1, 2, 3};
        Record keyless = Record.of("t", 0, 7, 9, null, value, null);
        value[0] = 42; // held, not copied (its javadoc: the value must not change afterwards)
        assertThat(keyless.hasKey()).isFalse();
        assertThat(keyless.value()).containsExactly(42, 2, 3);
        assertThat(keyless.headers().isEmpty()).isTrue();

        byte[] key = {9};
        byte[] keyedValue = {4, 5};
        Record keyed = Record.of("t", 1, 8, 10, key, keyedValue, Headers.of("h", "v"));
        key[0] = 0;
        keyedValue[0] = 0;
        assertThat(keyed.key()).containsExactly(9);
        assertThat(keyed.value()).containsExactly(4, 5);
        assertThat(keyed.headers().lastString("h")).isEqualTo("v");
        assertThat(keyed.offset()).isEqualTo(8);
        assertThat(keyed.timestamp()).isEqualTo(10);
    }

    @Test
    void aNullValueSuchAsAKafkaTombstoneIsAnEmptyValue() {
        Record tombstone = Record.of("t", 0, 0, 0, new byte[] {1}, null, null);
        assertThat(tombstone.value()).isEmpty();
        assertThat(tombstone.valueLength()).isZero();
        assertThat(tombstone.key()).containsExactly(1);
        assertThat(Record.of("t", 0, 0, 0, null, null, null).valueBuffer().remaining()).isZero();
    }
}
