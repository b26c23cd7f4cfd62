package io.sluice.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.errors.UnauthorizedException;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetStore;
import io.sluice.spring.boot.internal.KafkaConnector;
import io.sluice.spring.boot.internal.NodeAddress;
import io.sluice.spring.boot.internal.SluiceConnection;
import io.sluice.spring.boot.internal.SluiceConnection.Mode;
import io.sluice.spring.boot.internal.SluicePropertyException;
import io.sluice.store.r2dbc.StoreSpec;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import java.io.File;
import javax.net.ssl.SSLException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.ClassUtils;

/** Checks the {@code sluice.*} properties and opens the Sluice they describe, on the thread that starts the application. */
final class SluiceFactory {
    static final String KAFKA_CLASS = "io.sluice.kafka.KafkaSluice";
    private static final String STORE = "sluice.store";
    private static final String TLS_ENABLED = "sluice.node.tls.enabled";
    private static final String TLS_TRUST = "sluice.node.tls.trust-certificate";
    private static final String TLS_BUNDLE = "sluice.node.tls.bundle";

    private SluiceFactory() {
    }

    /**
     * @param registry the application's registry, or null for the Sluice's own
     * @param sslBundles the application's SSL bundles, or null
     * @param classLoader the application's, to look for sluice-kafka in
     * @throws SluicePropertyException naming the property at fault
     */
    static SluiceConnection open(SluiceProperties properties, MeterRegistry registry, SslBundles sslBundles, ClassLoader classLoader) {
        Mode mode = Mode.parse(properties.getMode());
        return switch (mode) {
            case EMBEDDED -> embedded(properties.getStore(), registry);
            case NODE -> node(properties.getNode(), registry, sslBundles);
            case KAFKA -> kafka(properties.getKafka(), registry, classLoader);
        };
    }

    private static SluiceConnection embedded(String storeText, MeterRegistry registry) {
        StoreSpec spec;
        try {
            spec = StoreSpec.parse(storeText);
        } catch (IllegalArgumentException e) {
            throw new SluicePropertyException(STORE, storeText == null ? null : StoreSpec.redact(storeText), e.getMessage(),
                    "Set " + STORE + " to one of: " + StoreSpec.FORMS + ".", null);
        }
        LogStore store = null;
        try {
            store = spec.open();
            EngineOptions options = EngineOptions.create().store(store);
            if (store instanceof OffsetStore offsets) {
                options = options.offsetStore(offsets);
            }
            if (registry != null) {
                options = options.meterRegistry(registry);
            }
            Sluice sluice = Sluice.embedded(options);
            return new SluiceConnection(Mode.EMBEDDED, sluice, spec.toString(), spec.kind() == StoreSpec.Kind.MEMORY ? null : store);
        } catch (RuntimeException e) {
            if (store != null) {
                try {
                    store.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            String message = e.getMessage() == null ? e.toString() : StoreSpec.redact(e.getMessage());
            throw new SluicePropertyException(STORE, spec.toString(), "the store could not be opened: " + message,
                    "Check that the store is reachable and its data readable, or correct " + STORE + ".", e);
        }
    }

    private static SluiceConnection node(SluiceProperties.Node node, MeterRegistry registry, SslBundles sslBundles) {
        NodeAddress address = NodeAddress.parse(node.getAddress());
        ClientOptions options = ClientOptions.create().address(address.host(), address.port());
        if (node.getClientId() != null && !node.getClientId().isBlank()) {
            options = options.clientId(node.getClientId());
        }
        if (node.getConnectTimeout() != null) {
            if (node.getConnectTimeout().isNegative() || node.getConnectTimeout().isZero()) {
                throw new SluicePropertyException("sluice.node.connect-timeout", node.getConnectTimeout().toString(), "must be positive");
            }
            options = options.connectTimeout(node.getConnectTimeout());
        }
        if (node.getToken() != null && !node.getToken().isBlank()) {
            options = options.token(node.getToken());
        }
        SslContext tls = tls(node.getTls(), sslBundles);
        if (tls != null) {
            options = options.tls(tls);
        }
        if (registry != null) {
            options = options.meterRegistry(registry);
        }
        try {
            return new SluiceConnection(Mode.NODE, NettySluice.connect(options), address.toString(), null);
        } catch (UnauthorizedException e) {
            throw new SluicePropertyException("sluice.node.token", node.getToken() == null ? null : "[hidden]",
                    "the node at " + address + " refused it: " + e.getMessage(),
                    "Set sluice.node.token to a token the node accepts.", e);
        } catch (RuntimeException e) {
            throw new SluicePropertyException(NodeAddress.PROPERTY, node.getAddress(),
                    "no Sluice node answered there: " + (e.getMessage() == null ? e.toString() : e.getMessage()),
                    "Start the node, or correct " + NodeAddress.PROPERTY + " (and sluice.node.tls.* if the node speaks TLS).", e);
        }
    }

    /** The client TLS context of {@code sluice.node.tls.*}, or null for plain TCP. */
    private static SslContext tls(SluiceProperties.Tls tls, SslBundles sslBundles) {
        String trust = tls.getTrustCertificate();
        boolean hasTrust = trust != null && !trust.isBlank();
        String bundleName = tls.getBundle();
        boolean hasBundle = bundleName != null && !bundleName.isBlank();
        if (!tls.isEnabled()) {
            if (hasTrust || hasBundle) {
                String set = hasTrust ? TLS_TRUST : TLS_BUNDLE;
                throw new SluicePropertyException(TLS_ENABLED, "false", set + " is set, but TLS is off",
                        "Set " + TLS_ENABLED + "=true to connect with TLS, or remove " + set + ".", null);
            }
            return null;
        }
        if (hasTrust && hasBundle) {
            throw new SluicePropertyException(TLS_BUNDLE, bundleName, TLS_TRUST + " is set too: one source of trust",
                    "Remove " + TLS_TRUST + " or " + TLS_BUNDLE + ".", null);
        }
        SslContextBuilder builder = SslContextBuilder.forClient();
        String property = TLS_ENABLED;
        String value = "true";
        if (hasBundle) {
            property = TLS_BUNDLE;
            value = bundleName;
            SslBundle bundle;
            try {
                if (sslBundles == null) {
                    throw new NoSuchSslBundleException(bundleName, "the application has no SSL bundles");
                }
                bundle = sslBundles.getBundle(bundleName.strip());
            } catch (NoSuchSslBundleException e) {
                throw new SluicePropertyException(TLS_BUNDLE, bundleName, "no such SSL bundle: " + e.getMessage(),
                        "Define spring.ssl.bundle.pem." + bundleName.strip() + ".* (or .jks.), or correct " + TLS_BUNDLE + ".", e);
            }
            builder = builder.trustManager(bundle.getManagers().getTrustManagerFactory());
            if (bundle.getStores().getKeyStore() != null) {
                builder = builder.keyManager(bundle.getManagers().getKeyManagerFactory());
            }
        } else if (hasTrust) {
            property = TLS_TRUST;
            value = trust;
            File file = new File(trust.strip());
            if (!file.isFile()) {
                throw new SluicePropertyException(TLS_TRUST, trust, "no such file (" + file.getAbsolutePath() + ")");
            }
            try {
                builder = builder.trustManager(file);
            } catch (IllegalArgumentException e) {
                throw new SluicePropertyException(TLS_TRUST, trust, "not a PEM file of X.509 certificates: " + e.getMessage(),
                        null, e);
            }
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new SluicePropertyException(property, value, "cannot make a TLS client context: " + e.getMessage(), null, e);
        }
    }

    private static SluiceConnection kafka(SluiceProperties.Kafka kafka, MeterRegistry registry, ClassLoader classLoader) {
        if (!ClassUtils.isPresent(KAFKA_CLASS, classLoader)) {
            throw new SluicePropertyException(Mode.PROPERTY, "kafka", "sluice-kafka is not on the classpath",
                    "Add the dependency io.sluice:sluice-kafka to the application, or choose another " + Mode.PROPERTY + ".", null);
        }
        Sluice sluice = KafkaConnector.connect(kafka.getBootstrapServers(), kafka.getProperties(), kafka.getClientId(),
                kafka.getRequestTimeout(), registry);
        return new SluiceConnection(Mode.KAFKA, sluice, String.join(",", kafka.getBootstrapServers()), null);
    }
}
