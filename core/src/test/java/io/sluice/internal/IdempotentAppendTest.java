package io.sluice.internal;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.errors.OutOfOrderSequenceException;
import io.sluice.log.BatchBuilder;
import io.sluice.log.RecordBatch;
import io.sluice.producer.Acks;
import io.sluice.record.Headers;
import io.sluice.spi.SendTarget;
import io.sluice.testing.DurableMemoryStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition drops a resent copy of an idempotent producer's batch (same producer id and base sequence) and
 * acknowledges it with the first copy's offsets, refuses a batch whose sequence skips ahead, and remembers the
 * sequences across a restart, from the stored batches' headers.
 */
class IdempotentAppendTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long PRODUCER = 0x5eed_cafeL;

    private static RecordBatch batch(int sequence, int count) {
        BatchBuilder b = new BatchBuilder(256);
        for (int i = 0; i < count; i++) {
            b.append(1_000 + i, null, ("v" + (sequence + i)).getBytes(), Headers.empty());
        }
        return b.build(PRODUCER, sequence);
    }

    /** Appends a fresh copy of the batch (as a resend brings new bytes) and gives its base offset. */
    private static Mono<Long> append(SendTarget target, RecordBatch batch) {
        RecordBatch copy = RecordBatch.wrap(batch.array().clone());
        CompletableFuture<Long> result = new CompletableFuture<>();
        target.topic("orders").partition(0).append(copy, Acks.STORED, new SendTarget.AppendCallback() {
            @Override
            public void appended(long baseOffset) {
                result.complete(baseOffset);
            }

            @Override
            public void failed(Throwable error) {
                result.completeExceptionally(error);
            }
        });
        return Mono.fromFuture(result);
    }

    private static long end(Sluice sluice) {
        return sluice.admin().describeTopic("orders").block(TIMEOUT).partitions().get(0).endOffset();
    }

    @Test
    void resentBatchesAreAcknowledgedOnceAppendedAndGapsRefused() {
        DurableMemoryStore store = new DurableMemoryStore();
        RecordBatch first = batch(0, 3);
        RecordBatch second = batch(3, 2);
        try (Sluice sluice = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store))) {
            SendTarget target = (SendTarget) sluice;
            sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
            StepVerifier.create(append(target, first)).expectNext(0L).verifyComplete();
            StepVerifier.create(append(target, first)).as("the resent copy").expectNext(0L).verifyComplete();
            StepVerifier.create(append(target, second)).expectNext(3L).verifyComplete();
            StepVerifier.create(append(target, first)).as("an older resend still in the window").expectNext(0L).verifyComplete();
            assertThat(end(sluice)).isEqualTo(5);

            StepVerifier.create(append(target, batch(9, 1)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(OutOfOrderSequenceException.class)
                            .hasMessageContaining("orders-0").hasMessageContaining("expected sequence 5").hasMessageContaining("got 9"))
                    .verify(TIMEOUT);
            assertThat(end(sluice)).isEqualTo(5);
        }
        try (Sluice restarted = Sluice.embedded(EngineOptions.create().store(store).offsetStore(store))) {
            SendTarget target = (SendTarget) restarted;
            StepVerifier.create(append(target, second)).as("a resend after the node restarted").expectNext(3L).verifyComplete();
            StepVerifier.create(append(target, batch(5, 1))).expectNext(5L).verifyComplete();
            assertThat(end(restarted)).isEqualTo(6);
        }
    }

    @Test
    void batchesWithoutAProducerIdAreNeverDeduplicated() {
        try (Sluice sluice = Sluice.embedded()) {
            sluice.admin().createTopic(TopicSpec.of("orders")).block(TIMEOUT);
            BatchBuilder b = new BatchBuilder(64);
            b.append(1, null, "v".getBytes(), Headers.empty());
            RecordBatch anonymous = b.build(-1, -1);
            StepVerifier.create(append((SendTarget) sluice, anonymous)).expectNext(0L).verifyComplete();
            StepVerifier.create(append((SendTarget) sluice, anonymous)).expectNext(1L).verifyComplete();
        }
    }
}
