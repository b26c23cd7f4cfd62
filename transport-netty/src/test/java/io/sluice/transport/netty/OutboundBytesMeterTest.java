package io.sluice.transport.netty;


import io.netty.channel.Channel;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.testing.Messages;
import io.sluice.transport.netty.internal.ClientConnection;
import java.lang.reflect.Field;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.test.StepVerifier;

/**
 * The node's {@code sluice.transport.outbound.bytes} gauge: bytes written to its connections that the network has
 * not taken yet. While the client reads nothing, deliveries pile up in the node's outbound buffer and the gauge
 * shows them; once the client reads again and has taken everything, it is back at 0.
 */
class OutboundBytesMeterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int N = 40_000; // 40 MB of values: more than the loopback sockets' buffers hold
    private static final int VALUE_BYTES = 1_000;

    private final LoopbackNode node = new LoopbackNode(s -> s, c -> c.heartbeat(Duration.ofMinutes(1)));

    @AfterEach
    void close() {
        node.close();
    }

    private double outboundBytes() {
        return node.meterRegistry().get(SluiceServer.OUTBOUND_BYTES).gauge().value();
    }

    /** The client's connection to the node, to stop and resume reading from it. */
    private Channel clientChannel() throws ReflectiveOperationException {
        Field connection = NettySluice.class.getDeclaredField("connection");
        connection.setAccessible(true);
        Field ready = ClientConnection.class.getDeclaredField("ready");
        ready.setAccessible(true);
        return ((Connection) ready.get(connection.get(node.client))).channel();
    }

    @Test
    void theOutboundBytesGaugeShowsWhatTheNodeCouldNotSendYetAndFallsToZeroOnceSent() throws Exception {
        node.admin().createTopic(TopicSpec.of("big")).block(TIMEOUT);
        Flux<OutboundMessage<Long>> records = Flux.range(0, N)
                .map(i -> OutboundMessage.of("big", (String) null, Messages.value(i, VALUE_BYTES), (long) i));
        StepVerifier.create(node.producer(ProducerOptions.create()).send(records)).expectNextCount(N).expectComplete().verify(TIMEOUT);
        // nothing to deliver yet: once the node has flushed its last acknowledgements (on a busy machine they may still
        // be in its buffer when the client has read the results)
        StepVerifier.create(Flux.interval(Duration.ofMillis(20)).map(t -> outboundBytes()).filter(b -> b == 0).next())
                .expectNext(0.0).expectComplete().verify(TIMEOUT);

        Channel channel = clientChannel();
        channel.config().setAutoRead(false);
        StepVerifier consumed = StepVerifier.create(node.consumer(ConsumerOptions.create("readers").topics("big").prefetch(N))
                        .receiveAutoAck().take(N))
                .expectNextCount(N).expectComplete().verifyLater();
        // the node delivers up to the prefetch; the client reads nothing, so the rest waits in the node's buffer
        StepVerifier.create(Flux.interval(Duration.ofMillis(20)).map(t -> outboundBytes()).filter(b -> b > 0).next())
                .assertNext(b -> System.out.printf("OutboundBytesMeterTest: %.0f bytes waiting while the client reads nothing%n", b))
                .expectComplete().verify(TIMEOUT);

        channel.config().setAutoRead(true);
        consumed.verify(TIMEOUT);
        StepVerifier.create(Flux.interval(Duration.ofMillis(20)).map(t -> outboundBytes()).filter(b -> b == 0).next())
                .expectNext(0.0).expectComplete().verify(TIMEOUT);
    }
}
