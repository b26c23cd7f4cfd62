package io.sluice.internal;

import static io.sluice.metrics.SluiceMeters.*;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** Creates the engine's meters (see {@link io.sluice.metrics.SluiceMeters}) and removes a topic's when it goes. */
final class EngineMetrics {
    final MeterRegistry registry;
    private final Tags node;
    /** Every meter registered, once each (the registry hands back the same meter for the same id). */
    private final Set<Meter> meters = new HashSet<>();

    EngineMetrics(MeterRegistry registry, String nodeName) {
        this.registry = registry;
        this.node = Tags.of(TAG_NODE, nodeName);
    }

    Counter counter(String name, String... tags) {
        return track(Counter.builder(name).tags(node).tags(tags).register(registry));
    }

    Timer sendLatency(String topic) {
        return track(latencyHistogram(Timer.builder(SEND_LATENCY).tags(node).tag(TAG_TOPIC, topic)).register(registry));
    }

    Timer e2eLatency(String topic, String group) {
        return track(latencyHistogram(Timer.builder(E2E_LATENCY).tags(node).tag(TAG_TOPIC, topic).tag(TAG_GROUP, group)).register(registry));
    }

    /**
     * Latency timers publish a percentile histogram (fixed buckets; a backend such as Prometheus derives any
     * quantile from them), not client-side percentiles: those record into an HdrHistogram whose
     * {@code WriterReaderPhaser} may {@code Thread.yield()} under concurrent recording, a blocking call on the
     * engine's non-blocking delivery threads (BlockHound caught it), and cost ~200 ns a sample against ~80.
     */
    private static Timer.Builder latencyHistogram(Timer.Builder builder) {
        return builder.publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .distributionStatisticExpiry(Duration.ofMinutes(1));
    }

    Timer storeAppendLatency(String store) {
        return track(Timer.builder(STORE_APPEND_LATENCY).tags(node).tag(TAG_STORE, store).register(registry));
    }

    Counter storeAppendFailures(String store) {
        return track(Counter.builder(STORE_APPEND_FAILURES).tags(node).tag(TAG_STORE, store).register(registry));
    }

    DistributionSummary storeBatchRecords(String store) {
        return track(DistributionSummary.builder(STORE_BATCH_RECORDS).tags(node).tag(TAG_STORE, store).register(registry));
    }

    <T> void gauge(String name, T state, ToDoubleFunction<T> value, String... tags) {
        track(Gauge.builder(name, state, value).tags(node).tags(tags).strongReference(true).register(registry));
    }

    /** Removes every meter tagged with this topic. */
    void removeTopic(String topic) {
        synchronized (meters) {
            meters.removeIf(m -> {
                if (topic.equals(m.getId().getTag(TAG_TOPIC))) {
                    registry.remove(m);
                    return true;
                }
                return false;
            });
        }
    }

    private <M extends Meter> M track(M meter) {
        synchronized (meters) {
            meters.add(meter);
        }
        return meter;
    }
}
