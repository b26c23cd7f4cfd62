package io.sluice.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets Netty 4.2's adaptive allocator take its magazines' lock while it frees one ({@code Magazine.free},
 * {@code MagazineGroup.free}): a short {@code StampedLock} write lock inside Netty, which parked an event loop for an
 * instant under contention in our TLS tests and so failed them under BlockHound. Netty's own BlockHound integration
 * allows its other internal locks of this kind; this one it does not (4.2.17). Nothing of ours blocks there. And
 * lets a JDK pool thread of a Reactor scheduler take its own worker lock before its next task
 * ({@code ThreadPoolExecutor$Worker.lock}), which parks for an instant while a closing engine's
 * {@code shutdown()} holds it to interrupt idle workers (seen once in 200 engine closes).
 * Registered for every test JVM that has this test-jar, through {@code META-INF/services}.
 */
public final class NettyAllocatorBlockHound implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "free");
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor$Worker", "lock");
    }
}
