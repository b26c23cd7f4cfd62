package io.sluice.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.check.Check;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a {@link KafkaSluice} reaches its Kafka cluster. Immutable: every setter returns a copy.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>what it trades</th></tr>
 * <tr><td>{@link #bootstrap}</td><td>none: required</td><td>Kafka's {@code bootstrap.servers}</td></tr>
 * <tr><td>{@link #property}</td><td>none</td><td>any Kafka client setting ({@code security.protocol}, {@code compression.type},
 * {@code sasl.jaas.config}, ...), given to the admin client, every producer and every consumer; it wins over what
 * Sluice derives from its own options, except the settings Sluice must own (refused, naming the Sluice option to
 * use instead)</td></tr>
 * <tr><td>{@link #clientId}</td><td>sluice-kafka</td><td>the prefix of every client's {@code client.id}</td></tr>
 * <tr><td>{@link #requestTimeout}</td><td>30 s</td><td>how long {@code connect} and each admin request wait</td></tr>
 * <tr><td>{@link #metadataRefresh}</td><td>5 s</td><td>how soon producers see a topic another client created (one's own
 * creations and descriptions count at once), vs. a metadata request per interval</td></tr>
 * <tr><td>{@link #meterRegistry}</td><td>a new {@code SimpleMeterRegistry}</td><td>where the {@code sluice.*} meters go</td></tr>
 * </table>
 *
 * <pre>{@code KafkaOptions.create().bootstrap("broker-1:9092,broker-2:9092").property("compression.type", "lz4")}</pre>
 */
public final class KafkaOptions {
    /**
     * Kafka settings that Sluice sets from its own options: giving them as a property is refused, with the option
     * that decides them instead.
     */
    static final Map<String, String> OWNED = Map.of(
            "group.id", "ConsumerOptions.create(group)",
            "enable.auto.commit", "ConsumerOptions.commitInterval / commitBatchSize (Sluice commits what was acknowledged)",
            "auto.offset.reset", "ConsumerOptions.startPosition",
            "acks", "ProducerOptions.acks",
            "enable.idempotence", "ProducerOptions.acks (STORED is acks=all with idempotence)",
            "key.serializer", "nothing: Sluice moves bytes",
            "value.serializer", "nothing: Sluice moves bytes",
            "key.deserializer", "nothing: Sluice moves bytes",
            "value.deserializer", "nothing: Sluice moves bytes",
            "bootstrap.servers", "KafkaOptions.bootstrap");
    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "jaas", "token", "key");

    private String bootstrap;
    private Map<String, Object> properties = Map.of();
    private String clientId = "sluice-kafka";
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration metadataRefresh = Duration.ofSeconds(5);
    private MeterRegistry meterRegistry;

    private KafkaOptions() {
    }

    private KafkaOptions(KafkaOptions o) {
        this.bootstrap = o.bootstrap;
        this.properties = o.properties;
        this.clientId = o.clientId;
        this.requestTimeout = o.requestTimeout;
        this.metadataRefresh = o.metadataRefresh;
        this.meterRegistry = o.meterRegistry;
    }

    public static KafkaOptions create() {
        return new KafkaOptions();
    }

    /** Kafka's {@code bootstrap.servers}: {@code host:port}, comma-separated. */
    public KafkaOptions bootstrap(String servers) {
        Check.notBlank("bootstrap", servers);
        for (String s : servers.split(",")) {
            String server = s.trim();
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1 || !server.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bootstrap must be host:port[,host:port...], and '" + server + "' in '"
                        + servers + "' is not host:port");
            }
        }
        KafkaOptions c = new KafkaOptions(this);
        c.bootstrap = servers.trim();
        return c;
    }

    /**
     * A Kafka client setting for every client this Sluice makes.
     *
     * @throws IllegalArgumentException for a setting Sluice decides itself (see the class's table), naming the option
     */
    public KafkaOptions property(String name, Object value) {
        Check.notBlank("property name", name);
        Check.notNull("value of property '" + name + "'", value);
        String owner = OWNED.get(name);
        if (owner != null) {
            throw new IllegalArgumentException("Kafka property '" + name + "' is set by Sluice: use " + owner);
        }
        KafkaOptions c = new KafkaOptions(this);
        Map<String, Object> m = new TreeMap<>(properties);
        m.put(name, value);
        c.properties = Collections.unmodifiableMap(m);
        return c;
    }

    public KafkaOptions clientId(String clientId) {
        KafkaOptions c = new KafkaOptions(this);
        c.clientId = Check.notBlank("clientId", clientId);
        return c;
    }

    public KafkaOptions requestTimeout(Duration timeout) {
        KafkaOptions c = new KafkaOptions(this);
        c.requestTimeout = Check.positive("requestTimeout", timeout);
        return c;
    }

    public KafkaOptions metadataRefresh(Duration interval) {
        KafkaOptions c = new KafkaOptions(this);
        c.metadataRefresh = Check.positive("metadataRefresh", interval);
        return c;
    }

    public KafkaOptions meterRegistry(MeterRegistry registry) {
        KafkaOptions c = new KafkaOptions(this);
        c.meterRegistry = Check.notNull("meterRegistry", registry);
        return c;
    }

    /** The bootstrap servers; null until set. */
    public String bootstrap() {
        return bootstrap;
    }

    /** The extra Kafka properties, sorted by name. */
    public Map<String, Object> properties() {
        return properties;
    }

    public String clientId() {
        return clientId;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration metadataRefresh() {
        return metadataRefresh;
    }

    /** The registry given, or null. */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** The options with the values of secret-looking properties (passwords, JAAS configs, keys, tokens) hidden. */
    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
        return "KafkaOptions{bootstrap=" + bootstrap + ", clientId=" + clientId + ", requestTimeout=" + requestTimeout
                + ", metadataRefresh=" + metadataRefresh + ", properties=" + shown + "}";
    }

    static boolean isSecret(String property) {
        String p = property.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(p::contains) && !p.endsWith(".type") && !p.endsWith(".location");
    }
}
