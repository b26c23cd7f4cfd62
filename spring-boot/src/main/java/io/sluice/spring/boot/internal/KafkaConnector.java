package io.sluice.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.Sluice;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSluice;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code sluice.mode=kafka}. The only class of the starter that names sluice-kafka's types, loaded only once the
 * starter has seen that {@code io.sluice:sluice-kafka} is on the classpath (it is an optional dependency).
 */
public final class KafkaConnector {
    public static final String BOOTSTRAP = "sluice.kafka.bootstrap-servers";

    private KafkaConnector() {
    }

    /**
     * Connects, waiting for the cluster to answer (call it from the thread that starts the application).
     *
     * @throws SluicePropertyException naming the property that is missing or wrong, or the bootstrap servers when the
     *     cluster does not answer
     */
    public static Sluice connect(List<String> bootstrapServers, Map<String, String> properties, String clientId,
            Duration requestTimeout, MeterRegistry registry) {
        String bootstrap = bootstrapServers == null ? "" : String.join(",", bootstrapServers.stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList());
        if (bootstrap.isEmpty()) {
            throw new SluicePropertyException(BOOTSTRAP, null, "sluice.mode=kafka needs the brokers to bootstrap from",
                    "Set " + BOOTSTRAP + " to host:port[,host:port...] of the Kafka cluster.", null);
        }
        KafkaOptions options;
        try {
            options = KafkaOptions.create().bootstrap(bootstrap);
        } catch (IllegalArgumentException e) {
            throw new SluicePropertyException(BOOTSTRAP, bootstrap, e.getMessage());
        }
        for (Map.Entry<String, String> p : properties.entrySet()) {
            String property = "sluice.kafka.properties." + p.getKey();
            try {
                options = options.property(p.getKey(), p.getValue());
            } catch (IllegalArgumentException e) {
                // the value is beside the point (and may be a secret): not shown
                throw new SluicePropertyException(property, "[hidden]",
                        e.getMessage(), "Remove " + property + " from the application's configuration.", null);
            }
        }
        if (clientId != null) {
            options = option("sluice.kafka.client-id", clientId, options::clientId);
        }
        if (requestTimeout != null) {
            options = option("sluice.kafka.request-timeout", requestTimeout, options::requestTimeout);
        }
        if (registry != null) {
            options = options.meterRegistry(registry);
        }
        try {
            return KafkaSluice.connect(options);
        } catch (RuntimeException e) {
            throw new SluicePropertyException(BOOTSTRAP, bootstrap, "the Kafka cluster did not answer: " + e.getMessage(),
                    "Check that the cluster is running and reachable at " + bootstrap + ", or correct " + BOOTSTRAP + ".", e);
        }
    }

    private static <T> KafkaOptions option(String property, T value, Function<T, KafkaOptions> set) {
        try {
            return set.apply(value);
        } catch (IllegalArgumentException e) {
            throw new SluicePropertyException(property, String.valueOf(value), e.getMessage());
        }
    }
}
