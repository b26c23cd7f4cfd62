package io.sluice.kafka.internal;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * For applications (and tests) that install BlockHound: a member's poll thread is marked non-blocking so that
 * Reactor refuses {@code block()} there, yet the Kafka consumer it drives waits by design (in {@code poll}, in
 * synchronous commits at a revoke); that waiting, inside the poll loop, is allowed. Nothing else runs on that thread.
 */
public final class KafkaBlockHound implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside(KafkaMember.class.getName(), "run");
    }
}
