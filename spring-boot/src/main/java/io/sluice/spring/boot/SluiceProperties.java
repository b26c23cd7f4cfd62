package io.sluice.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code sluice.*} properties that {@link SluiceAutoConfiguration} builds the application's {@link io.sluice.Sluice}
 * from. Values are checked when the bean is made: a bad one stops start-up with a message naming the property and
 * the value (passwords in store URLs and the token are never shown).
 *
 * <p>{@code mode} and {@code store} are strings, not enums, so that the check (and its message) is Sluice's own and the
 * same for every form; the IDE still completes them from the hints in
 * {@code META-INF/additional-spring-configuration-metadata.json}.
 */
@ConfigurationProperties("sluice")
public class SluiceProperties {
    /** Where the Sluice lives: embedded (an engine in this process), node (a Sluice node over TCP) or kafka (a Kafka cluster). */
    private String mode = "embedded";
    /**
     * The embedded engine's store: memory, h2:<dir> (an H2 file <dir>/sluice.mv.db), h2mem, or
     * r2dbc:postgresql://user@host:5432/db. Used in embedded mode only.
     */
    private String store = "memory";
    private final Node node = new Node();
    private final Kafka kafka = new Kafka();

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getStore() {
        return store;
    }

    public void setStore(String store) {
        this.store = store;
    }

    public Node getNode() {
        return node;
    }

    public Kafka getKafka() {
        return kafka;
    }

    /** {@code sluice.node.*}: the node a {@code node}-mode application connects to. */
    public static class Node {
        /** The node's host:port ([v6-address]:port for IPv6). */
        private String address = "127.0.0.1:7420";
        /** The token the node asks for, if it has tokens. */
        private String token;
        /** The client id the node's metrics and logs show for this application. */
        private String clientId = "sluice-client";
        /** How long start-up (and each reconnect attempt) waits for the node. */
        private Duration connectTimeout = Duration.ofSeconds(10);
        private final Tls tls = new Tls();

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }

        public String getClientId() {
            return clientId;
        }

        public void setClientId(String clientId) {
            this.clientId = clientId;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Tls getTls() {
            return tls;
        }
    }

    /** {@code sluice.node.tls.*}: TLS to the node. */
    public static class Tls {
        /** Whether to connect with TLS. */
        private boolean enabled;
        /**
         * A PEM file of the certificates to trust (the node's own, or its CA's); without it the JDK's trusted CAs are
         * used. Needs sluice.node.tls.enabled=true.
         */
        private String trustCertificate;
        /**
         * The name of a Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust material (and key, for a node that
         * asks for client certificates) the connection uses; instead of trust-certificate. Needs
         * sluice.node.tls.enabled=true.
         */
        private String bundle;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getTrustCertificate() {
            return trustCertificate;
        }

        public void setTrustCertificate(String trustCertificate) {
            this.trustCertificate = trustCertificate;
        }

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /** {@code sluice.kafka.*}: the cluster a {@code kafka}-mode application uses (needs io.sluice:sluice-kafka). */
    public static class Kafka {
        /** The brokers to bootstrap from, host:port, comma-separated (Kafka's bootstrap.servers). Required in kafka mode. */
        private List<String> bootstrapServers = new ArrayList<>();
        /** Kafka client settings for every client Sluice makes (e.g. security.protocol); Sluice's own ones are refused. */
        private Map<String, String> properties = new LinkedHashMap<>();
        /** The prefix of the Kafka clients' client.id. */
        private String clientId = "sluice-kafka";
        /** How long an admin request (and start-up's first contact) waits for the cluster. */
        private Duration requestTimeout = Duration.ofSeconds(30);

        public List<String> getBootstrapServers() {
            return bootstrapServers;
        }

        public void setBootstrapServers(List<String> bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Map<String, String> getProperties() {
            return properties;
        }

        public void setProperties(Map<String, String> properties) {
            this.properties = properties;
        }

        public String getClientId() {
            return clientId;
        }

        public void setClientId(String clientId) {
            this.clientId = clientId;
        }

        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }
    }
}
