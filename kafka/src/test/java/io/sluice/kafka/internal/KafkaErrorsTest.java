package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.errors.DisconnectedException;
import io.sluice.errors.RecordTooLargeException;
import io.sluice.errors.SluiceException;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.UnauthorizedException;
import io.sluice.errors.UnknownGroupException;
import io.sluice.errors.UnknownTopicException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class KafkaErrorsTest {
    private final KafkaErrors errors = new KafkaErrors("broker-1:9092,broker-2:9092");

    @Test
    void kafkasErrorsBecomeSluicesNamingTheBootstrapAddressAndRetriableWhereKafkaSaysSo() {
        RuntimeException unknown = errors.map(new ExecutionException(new UnknownTopicOrPartitionException("gone")), "orders", "sending");
        assertThat(unknown).isInstanceOf(UnknownTopicException.class)
                .hasMessageStartingWith("unknown topic 'orders' on Kafka at broker-1:9092,broker-2:9092")
                .hasMessageContaining("admin().createTopic(TopicSpec.of(\"orders\"))");
        assertThat(errors.map(new org.apache.kafka.common.errors.TopicExistsException("taken"), "orders", "creating"))
                .isInstanceOf(TopicExistsException.class).hasMessageContaining("broker-1:9092");
        assertThat(errors.map(new GroupIdNotFoundException("no"), null, "describing group 'g'"))
                .isInstanceOf(UnknownGroupException.class).hasMessageContaining("describing group 'g'");
        assertThat(errors.map(new TopicAuthorizationException("denied"), "orders", "sending"))
                .isInstanceOf(UnauthorizedException.class).hasMessageContaining("broker-1:9092");
        assertThat(errors.map(new SaslAuthenticationException("bad password"), null, "connecting"))
                .isInstanceOf(UnauthorizedException.class);
        assertThat(errors.map(new org.apache.kafka.common.errors.RecordTooLargeException("big"), "orders", "sending"))
                .isInstanceOf(RecordTooLargeException.class);
        for (Throwable retriable : new Throwable[] {new TimeoutException("slow"), new NotEnoughReplicasException("1 of 3"),
                new CompletionException(new TimeoutException("slow"))}) {
            RuntimeException e = errors.map(retriable, "orders", "sending");
            assertThat(e).isInstanceOf(DisconnectedException.class).hasMessageContaining("broker-1:9092");
            assertThat(((SluiceException) e).isRetriable()).isTrue();
            assertThat(((SluiceException) e).isOutcomeUnknown()).isTrue();
        }
        RuntimeException other = errors.map(new UnsupportedVersionException("old broker"), null, "listing groups");
        assertThat(other).isExactlyInstanceOf(SluiceException.class).hasMessageContaining("listing groups")
                .hasMessageContaining("broker-1:9092").hasCauseInstanceOf(UnsupportedVersionException.class);
        assertThat(((SluiceException) other).isRetriable()).isFalse();
    }
}
