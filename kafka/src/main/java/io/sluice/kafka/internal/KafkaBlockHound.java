package io.sluice.kafka.internal;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * For applications (and tests) that install BlockHound: a member's poll thread and the send thread are marked
 * non-blocking so that Reactor refuses {@code block()} there, yet the Kafka clients they drive wait by design. On the
 * poll thread, where nothing else runs, the Kafka consumer waits in {@code poll} and in synchronous commits at a revoke:
 * waiting inside the poll loop is allowed. On the send thread, where the results of sends run the user's code, only
 * {@code KafkaProducer.send} (for metadata, for room in {@code buffer.memory}) and the thread's own wait for work are.
 */
public final class KafkaBlockHound implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside(KafkaMember.class.getName(), "run");
        builder.allowBlockingCallsInside(KafkaTarget.class.getName(), "send");
        builder.allowBlockingCallsInside(SendThread.class.getName(), "awaitJobs");
    }
}
