package io.sluice.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.test.StepVerifier;

/**
 * Reactive Streams rule 2.13 on the subscriber side of {@code Producer.send}: a publisher that signals
 * {@code onNext(null)} or {@code onError(null)} gets a {@link NullPointerException} thrown back, and the send fails
 * with it after the results of the records taken before, instead of completing as if nothing were wrong.
 */
class SendNullSignalTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Sluice sluice;
    private Producer producer;

    @BeforeEach
    void open() {
        sluice = Sluice.embedded();
        sluice.admin().createTopic(TopicSpec.of("t")).block(TIMEOUT);
        producer = sluice.producer(ProducerOptions.create());
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    /** A broken publisher the test drives by hand: it hands out its subscriber and records demand and cancel. */
    private static final class HandDriven implements Publisher<OutboundMessage<Integer>>, Subscription {
        volatile Subscriber<? super OutboundMessage<Integer>> subscriber;
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void subscribe(Subscriber<? super OutboundMessage<Integer>> s) {
            subscriber = s;
            s.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    private static OutboundMessage<Integer> message(int i) {
        return OutboundMessage.of("t", "k", new byte[] {(byte) i}, i);
    }

    @Test
    void onNextNullThrowsNullPointerExceptionCancelsTheUpstreamAndFailsTheSend() {
        HandDriven upstream = new HandDriven();
        StepVerifier.create(producer.send(upstream))
                .then(() -> {
                    assertThat(upstream.requested.get()).as("demand before the first onNext").isPositive();
                    upstream.subscriber.onNext(message(1));
                    assertThatThrownBy(() -> upstream.subscriber.onNext(null))
                            .isInstanceOf(NullPointerException.class)
                            .hasMessageContaining("onNext(null)").hasMessageContaining("rule 2.13");
                })
                .assertNext(r -> {
                    assertThat(r.correlation()).isEqualTo(1);
                    assertThat(r.offset()).isZero();
                })
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("onNext(null)"))
                .verify(TIMEOUT);
        assertThat(upstream.cancelled).as("the subscription counts as cancelled").isTrue();
    }

    @Test
    void onErrorNullThrowsNullPointerExceptionAndFailsTheSendInsteadOfCompletingIt() {
        HandDriven upstream = new HandDriven();
        StepVerifier.create(producer.send(upstream))
                .then(() -> {
                    upstream.subscriber.onNext(message(1));
                    assertThatThrownBy(() -> upstream.subscriber.onError(null))
                            .isInstanceOf(NullPointerException.class)
                            .hasMessageContaining("onError(null)").hasMessageContaining("rule 2.13");
                })
                .assertNext(r -> assertThat(r.correlation()).isEqualTo(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("onError(null)"))
                .verify(TIMEOUT);
    }
}
