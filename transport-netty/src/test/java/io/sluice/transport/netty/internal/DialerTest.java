package io.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.transport.netty.ClientOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The waits between reconnect attempts: doubling from the minimum, each drawn from the upper half of its range and
 * never above the maximum (1 s by default); a ready connection starts again from the minimum, unless the connection
 * before it ended in a protocol error, so that a node refusing what the client sends on every connection is retried
 * with growing waits.
 */
class DialerTest {

    @Test
    void theWaitsDoubleFromTheMinimumWithJitterAndStayWithinTheDefaultCapOfOneSecond() {
        Dialer dialer = new Dialer(ClientOptions.create());
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long ceiling : ceilings) {
            assertThat(dialer.nextDelayMillis()).isBetween(ceiling / 2, ceiling);
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1_000; i++) {
            long d = dialer.nextDelayMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(max).isLessThanOrEqualTo(1_000);
        assertThat(max - min).as("jitter across the upper half of the capped range").isGreaterThan(250);
    }

    @Test
    void aReadyConnectionStartsAgainFromTheMinimumUnlessTheLastOneEndedInAProtocolError() {
        Dialer dialer = new Dialer(ClientOptions.create().reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(60)));
        dialer.nextDelayMillis();
        dialer.nextDelayMillis();
        dialer.ready();
        dialer.lost(false);
        assertThat(dialer.nextDelayMillis()).as("after a plain loss").isBetween(50L, 100L);

        // connect, be refused, reconnect: each round waits longer
        long previousCeiling = 50; // the first refusal follows a connection that started from the minimum
        for (int round = 0; round < 5; round++) {
            dialer.ready();
            dialer.lost(true);
            long ceiling = previousCeiling * 2;
            assertThat(dialer.nextDelayMillis()).as("round %d after a protocol error", round).isBetween(ceiling / 2, ceiling);
            previousCeiling = ceiling;
        }

        dialer.ready();
        dialer.lost(false); // a connection that ended well: the next one that is ready starts again
        dialer.nextDelayMillis();
        dialer.ready();
        dialer.lost(false);
        assertThat(dialer.nextDelayMillis()).isBetween(50L, 100L);
    }
}
