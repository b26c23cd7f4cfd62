package io.sluice.kafka.internal;

import io.sluice.errors.DisconnectedException;
import io.sluice.errors.RecordTooLargeException;
import io.sluice.errors.SluiceException;
import io.sluice.errors.TopicExistsException;
import io.sluice.errors.UnauthorizedException;
import io.sluice.errors.UnknownGroupException;
import io.sluice.errors.UnknownTopicException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Kafka's errors as Sluice's: the same exception types an embedded engine or a node raises, each message naming the
 * cluster's bootstrap address (never a property's value: those may hold secrets) and Kafka's own error.
 *
 * <ul>
 *   <li>unknown topic or partition: {@link UnknownTopicException} with the hint how to create it;</li>
 *   <li>topic exists: {@link TopicExistsException}; group id not found: {@link UnknownGroupException};</li>
 *   <li>authorization or authentication: {@link UnauthorizedException};</li>
 *   <li>record too large: {@link RecordTooLargeException};</li>
 *   <li>timeouts and every other error Kafka marks retriable (not enough replicas, leader changes, the network):
 *       {@link DisconnectedException}, retriable, and for a send "outcome unknown", as Kafka says of a timeout;</li>
 *   <li>anything else: {@link SluiceException} with Kafka's error as the cause.</li>
 * </ul>
 */
public final class KafkaErrors {
    private final String bootstrap;

    public KafkaErrors(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Where errors say the cluster is. */
    public String where() {
        return "on Kafka at " + bootstrap;
    }

    /**
     * Kafka's {@code error} (unwrapped from the futures' wrappers) as a Sluice exception.
     *
     * @param topic the topic the operation was about, or null
     * @param what the operation, for the message: {@code "creating topic 'orders'"}
     */
    public RuntimeException map(Throwable error, String topic, String what) {
        Throwable e = unwrap(error);
        if (e instanceof SluiceException s) {
            return s;
        }
        String detail = " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        if (e instanceof UnknownTopicOrPartitionException) {
            return topic != null ? new UnknownTopicException(UnknownTopicException.withCreateHint(topic, where()).getMessage() + detail, e)
                    : new UnknownTopicException(what + ": unknown topic " + where() + detail, e);
        }
        if (e instanceof org.apache.kafka.common.errors.TopicExistsException) {
            return new TopicExistsException("topic '" + topic + "' exists already " + where(), e);
        }
        if (e instanceof GroupIdNotFoundException) {
            return new UnknownGroupException(what + ": no such group " + where() + detail, e);
        }
        if (e instanceof AuthorizationException || e instanceof AuthenticationException) {
            return new UnauthorizedException(what + ": refused " + where() + detail);
        }
        if (e instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
            return new RecordTooLargeException(what + ": record too large " + where() + detail, e);
        }
        if (e instanceof TimeoutException || e instanceof RetriableException || e instanceof InterruptException) {
            return new DisconnectedException(what + ": no answer in time " + where() + detail, e);
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return (RuntimeException) e;
        }
        return new SluiceException(what + " failed " + where() + detail, e);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
