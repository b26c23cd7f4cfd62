package io.sluice.benchmarks.perf.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.benchmarks.perf.workload.Payload;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The harness's one flow-control bound for every target: the source never has more than {@link Workload#inFlightLimit()}
 * records sent and not received, whatever the target's own flow control, and resumes as receipts make room.
 */
class InFlightLimitTest {
    private final Scheduler producer = Schedulers.newSingle("in-flight-limit-test", true);

    @AfterEach
    void stop() {
        producer.dispose();
    }

    /** Waits until every task handed to the producer thread before this call has run. */
    private void producerIdle() throws Exception {
        CompletableFuture<Void> marker = new CompletableFuture<>();
        producer.schedule(() -> marker.complete(null));
        marker.get(10, TimeUnit.SECONDS);
    }

    /** A peer that takes every record at once (unbounded demand) and never delivers it until told to. */
    private static final class Hoarder extends BaseSubscriber<byte[]> {
        final List<byte[]> held = new ArrayList<>();
        volatile boolean completed;

        @Override
        protected void hookOnNext(byte[] value) {
            synchronized (held) {
                held.add(value);
            }
        }

        @Override
        protected void hookOnComplete() {
            completed = true;
        }

        /** Delivers the {@code n} oldest held records to the probe. */
        void deliver(Probe probe, int n) {
            List<byte[]> out;
            synchronized (held) {
                out = new ArrayList<>(held.subList(0, n));
                held.subList(0, n).clear();
            }
            for (byte[] v : out) {
                probe.received(0, Payload.seq(v), Payload.intendedNanos(v), System.nanoTime());
            }
        }

        int held() {
            synchronized (held) {
                return held.size();
            }
        }
    }

    @Test
    void anUnlimitedRateSourceStopsAtTheLimitUntilRecordsAreReceived() throws Exception {
        Workload w = Workload.builder().count(1_000).partitions(2).maxBacklog(50).build(); // at most 100 in flight
        Probe probe = new Probe(w, false);
        Hoarder peer = new Hoarder();
        new PayloadSource(w, probe, producer, Duration.ofMillis(1)).flux().subscribe(peer);
        producerIdle();

        assertThat(probe.inFlightLimit()).isEqualTo(100);
        assertThat(probe.sent()).isEqualTo(100);
        assertThat(peer.held()).isEqualTo(100);
        producerIdle(); // nothing received: still held
        assertThat(probe.sent()).isEqualTo(100);

        peer.deliver(probe, 10); // each receipt that makes room wakes the source
        producerIdle();
        assertThat(probe.sent()).isEqualTo(110);
        assertThat(probe.inFlight()).isEqualTo(100);

        while (!peer.completed || peer.held() > 0) {
            peer.deliver(probe, peer.held());
            producerIdle();
            assertThat(probe.inFlight()).isLessThanOrEqualTo(100);
        }
        assertThat(probe.isComplete()).isTrue();
        assertThat(probe.tally(0).lost(1_000)).isZero();
        assertThat(probe.sent()).isEqualTo(1_000);
    }

    @Test
    void theSlowestGroupHoldsTheSource() throws Exception {
        Workload w = Workload.builder().count(500).partitions(1).maxBacklog(20).groups(2).build();
        Probe probe = new Probe(w, false);
        Hoarder peer = new Hoarder();
        new PayloadSource(w, probe, producer, Duration.ofMillis(1)).flux().subscribe(peer);
        producerIdle();
        assertThat(probe.sent()).isEqualTo(20);

        List<byte[]> first;
        synchronized (peer.held) {
            first = new ArrayList<>(peer.held);
        }
        for (byte[] v : first) { // group 0 takes everything, group 1 nothing
            probe.received(0, 0, Payload.seq(v), Payload.intendedNanos(v), System.nanoTime());
        }
        producerIdle();
        assertThat(probe.sent()).isEqualTo(20);

        for (byte[] v : first.subList(0, 5)) {
            probe.received(1, 0, Payload.seq(v), Payload.intendedNanos(v), System.nanoTime());
        }
        producerIdle();
        assertThat(probe.sent()).isEqualTo(25);
    }

    @Test
    void aFixedRateSourceHoldsRecordsAtTheLimitAndTheyKeepTheirSlots() throws Exception {
        Workload w = Workload.builder().count(300).rate(1_000_000).partitions(1).maxBacklog(100).build();
        Probe probe = new Probe(w, false);
        Hoarder peer = new Hoarder();
        new PayloadSource(w, probe, producer, Duration.ofMillis(1)).flux().subscribe(peer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (probe.sent() < 100 && System.nanoTime() < deadline) {
            producerIdle();
        }
        producerIdle();
        assertThat(probe.sent()).isEqualTo(100);
        peer.deliver(probe, 100);
        while (!peer.completed && System.nanoTime() < deadline) {
            producerIdle();
            peer.deliver(probe, peer.held());
        }
        assertThat(peer.completed).isTrue();
        assertThat(probe.sent()).isEqualTo(300);
    }
}
