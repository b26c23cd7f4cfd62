package io.sluice.consumer;

import io.sluice.record.Record;
import reactor.core.publisher.Mono;

/**
 * A record delivered to a group member, to acknowledge once processed.
 *
 * <p>{@link #ack()} marks the record processed; the group's position in the partition moves past the
 * longest run of acknowledged records and is committed by {@link #commit()}, by auto-commit, and when the
 * partition is revoked. Records not acknowledged when their partition moves to another member (a member
 * left, cancelled or joined) are delivered again there: delivery is at least once.
 */
public interface Delivery {

    Record record();

    /**
     * Marks the record processed. Idempotent; ignored (locally: nothing goes to a node) once the partition has been
     * revoked from this member or its subscription has ended: the record is then delivered again.
     */
    void ack();

    /**
     * Acknowledges the record and commits the group's position in its partition now. After the subscription ended,
     * acknowledges nothing and completes as {@link Consumer#commit()} does then: once what was acknowledged before the
     * end is stored.
     */
    Mono<Void> commit();
}
