package io.sluice.spi;

import io.sluice.admin.TopicSpec;
import java.util.Map;

/**
 * {@link TopicSpec#settings()} are another system's topic settings (Kafka's): an implementation that has none
 * refuses a spec carrying any, naming them, rather than creating a topic without what was asked.
 */
public final class TopicSettings {
    private TopicSettings() {
    }

    /**
     * @param where the implementation, for the message: {@code "the embedded engine"}
     * @throws IllegalArgumentException when {@code spec} carries settings
     */
    public static TopicSpec refuseAny(TopicSpec spec, String where) {
        Map<String, String> settings = spec.settings();
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("topic '" + spec.name() + "': " + where + " has no topic settings, and "
                    + settings.keySet() + " were given; settings are Kafka's topic configs (sluice-kafka): use TopicSpec's"
                    + " own options (partitions, retentionBytes, retentionAge, ...) here");
        }
        return spec;
    }
}
