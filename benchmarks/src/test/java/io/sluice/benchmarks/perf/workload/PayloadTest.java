package io.sluice.benchmarks.perf.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void carriesSequenceAndTimeInTheFirstSixteenBytes() {
        byte[] v = Payload.create(100, 123_456_789L, -42L);
        assertThat(v).hasSize(100);
        assertThat(Payload.seq(v)).isEqualTo(123_456_789L);
        assertThat(Payload.intendedNanos(v)).isEqualTo(-42L);
        assertThat(ByteBuffer.wrap(v).getLong(0)).isEqualTo(123_456_789L); // big-endian
    }

    @Test
    void readsThroughABufferSlice() {
        byte[] v = Payload.create(Payload.MIN_SIZE, 7, 99);
        byte[] batch = new byte[40];
        System.arraycopy(v, 0, batch, 11, v.length);
        ByteBuffer view = ByteBuffer.wrap(batch, 11, v.length).slice().asReadOnlyBuffer();
        assertThat(Payload.seq(view)).isEqualTo(7);
        assertThat(Payload.intendedNanos(view)).isEqualTo(99);
    }
}
