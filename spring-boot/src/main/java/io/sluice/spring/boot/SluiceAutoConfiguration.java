package io.sluice.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.Sluice;
import io.sluice.spring.boot.internal.SluiceConnection;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/**
 * The application's {@link Sluice} bean from {@link SluiceProperties sluice.*}: an embedded engine on
 * {@code sluice.store}, a client of the node at {@code sluice.node.address}, or (with {@code io.sluice:sluice-kafka}) a
 * Sluice on the Kafka cluster at {@code sluice.kafka.bootstrap-servers}. It backs off when the application defines a
 * {@code Sluice} bean of its own.
 *
 * <p><b>Meters.</b> The application's {@link MeterRegistry} bean (the primary one, if there are several; Boot's
 * Actuator makes one) receives the {@code sluice.*} meters; without one the Sluice keeps its own.
 *
 * <p><b>Start-up.</b> The bean is made on the thread that starts the application and waits there for the store to
 * be recovered, the node to shake hands or the Kafka cluster to answer, so a bad setting fails start-up at once
 * with Boot's report naming the property and value (never a password), rather than the first request.
 *
 * <p><b>Shutdown.</b> The bean's destroy method is {@link Sluice#close()}: first producers flush (each send still in
 * progress stops taking records, the records it took are sent and acknowledged and their results emitted, then it
 * ends with {@code ClosedException}), then consumers commit what they acknowledged, an embedded engine writes the
 * appends still queued for its store, then the engine (and its store) or the connection closes. Spring runs destroy
 * methods after every {@code SmartLifecycle} has stopped, so by then the web server has finished its graceful
 * shutdown and stopped taking requests (nothing new is sent or acknowledged while Sluice closes), and before the
 * beans Sluice depends on (the {@code MeterRegistry}) are destroyed; beans that depend on the Sluice bean are
 * destroyed before it. A {@code SmartLifecycle} of its own would add nothing to that order and would stop Sluice
 * before other lifecycle beans (message listeners, schedulers) that may still use it. {@code close()} waits up to
 * 10 s for the sends to drain and 10 s for the commits; it runs on Boot's shutdown thread, where waiting is allowed.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnMissingBean(Sluice.class)
@EnableConfigurationProperties(SluiceProperties.class)
public class SluiceAutoConfiguration implements BeanClassLoaderAware {
    private ClassLoader classLoader = SluiceAutoConfiguration.class.getClassLoader();

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** The Sluice with what the health indicator needs to know of it. Closed through the {@link #sluice} bean. */
    @Bean(destroyMethod = "")
    SluiceConnection sluiceConnection(SluiceProperties properties, ObjectProvider<MeterRegistry> registry,
            ObjectProvider<SslBundles> sslBundles) {
        return SluiceFactory.open(properties, registry.getIfUnique(), sslBundles.getIfAvailable(), classLoader);
    }

    /** The one {@code Sluice} bean; closed gracefully when the application context closes (see the class's javadoc). */
    @Bean(destroyMethod = "close")
    Sluice sluice(SluiceConnection connection) {
        return connection.sluice();
    }
}
