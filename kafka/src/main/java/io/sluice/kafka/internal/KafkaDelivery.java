package io.sluice.kafka.internal;

import io.sluice.consumer.Delivery;
import io.sluice.record.Record;
import io.sluice.spi.AckTracker;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;

/** A record a {@link KafkaMember} polled; acknowledging it moves the group's position through its partition's tracker. */
final class KafkaDelivery implements Delivery {
    final KafkaMember member;
    final TopicPartition tp;
    final AckTracker tracker;
    private final Record record;

    KafkaDelivery(KafkaMember member, TopicPartition tp, AckTracker tracker, Record record) {
        this.member = member;
        this.tp = tp;
        this.tracker = tracker;
        this.record = record;
    }

    @Override
    public Record record() {
        return record;
    }

    @Override
    public void ack() {
        member.acknowledged(this);
    }

    @Override
    public Mono<Void> commit() {
        return Mono.defer(() -> {
            ack();
            return member.commit();
        });
    }

    @Override
    public String toString() {
        return "Delivery{" + record + "}";
    }
}
