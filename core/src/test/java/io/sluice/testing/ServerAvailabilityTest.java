package io.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import org.junit.jupiter.api.Test;

class ServerAvailabilityTest {
    @RequiresServer(name = "Nothing", port = 1)
    static final class NeedsNothing {
    }

    private static final RequiresServer NOTHING = NeedsNothing.class.getAnnotation(RequiresServer.class);

    @Test
    void anUnreachableServerSkipsTheTestWithAReasonOnADevelopersMachine() {
        var result = ServerAvailability.decide("SomeIT", NOTHING, false, false);
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValue("Nothing is not reachable at 127.0.0.1:1");
    }

    @Test
    void anUnreachableServerFailsTheTestOnCi() {
        assertThatThrownBy(() -> ServerAvailability.decide("SomeIT", NOTHING, false, true))
                .hasMessageContaining("Nothing is not reachable at 127.0.0.1:1 and CI=true");
    }

    @Test
    void aReachableServerRunsTheTest() {
        assertThat(ServerAvailability.decide("SomeIT", NOTHING, true, true).isDisabled()).isFalse();
    }

    @Test
    void nothingListensOnPortOne() {
        assertThat(ServerAvailability.reachable("127.0.0.1", 1)).isFalse();
    }

    /** The servers the later modules' tests need: on CI this fails when one is down. */
    @RequiresServer(name = "PostgreSQL", port = 5432)
    @org.junit.jupiter.api.Nested
    class PostgreSqlIsThere {
        @Test
        void acceptsConnections() throws Exception {
            try (Socket s = new Socket("127.0.0.1", 5432)) {
                assertThat(s.isConnected()).isTrue();
            }
        }
    }

    @RequiresServer(name = "RabbitMQ", port = 5672)
    @org.junit.jupiter.api.Nested
    class RabbitMqIsThere {
        @Test
        void acceptsConnections() throws Exception {
            try (Socket s = new Socket("127.0.0.1", 5672)) {
                assertThat(s.isConnected()).isTrue();
            }
        }
    }
}
