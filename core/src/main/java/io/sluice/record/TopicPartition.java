package io.sluice.record;

import io.sluice.check.Check;

/** One partition of a topic. */
public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {
    public TopicPartition {
        Check.notBlank("topic", topic);
        Check.notNegative("partition", partition);
    }

    public static TopicPartition of(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    @Override
    public int compareTo(TopicPartition o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
