package io.sluice.internal;

import io.sluice.consumer.Delivery;
import io.sluice.record.Record;
import reactor.core.publisher.Mono;

/** A record delivered by a {@link Member}; acknowledging moves the group's position through its {@link Fetch}. */
final class DeliveryImpl implements Delivery {
    private final Member member;
    final Fetch fetch;
    private final Record record;

    DeliveryImpl(Member member, Fetch fetch, Record record) {
        this.member = member;
        this.fetch = fetch;
        this.record = record;
    }

    @Override
    public Record record() {
        return record;
    }

    @Override
    public void ack() {
        member.acknowledged(this); // a second ack changes nothing: the tracker has moved past it or set its bit
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
