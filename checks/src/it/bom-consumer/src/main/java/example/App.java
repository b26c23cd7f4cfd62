package example;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.ProducerOptions;
import io.sluice.store.r2dbc.R2dbcStore;
import io.sluice.transport.netty.ClientOptions;
import io.sluice.transport.netty.NettySluice;
import reactor.core.publisher.Flux;

/** The README's tour, against the artifacts the BOM names: it must compile. */
public final class App {
    public static void main(String[] args) {
        try (Sluice sluice = args.length > 0
                ? NettySluice.connect(ClientOptions.create().address(args[0], 7420))
                : Sluice.embedded()) {
            sluice.admin().createTopic(TopicSpec.of("orders").partitions(4)).block();
            sluice.producer(ProducerOptions.create())
                    .send(Flux.just(OutboundMessage.of("orders", new byte[] {1})))
                    .blockLast();
            sluice.consumer(ConsumerOptions.create("billing").topics("orders")).receiveAutoAck().take(1).blockLast();
        }
        System.out.println(R2dbcStore.class.getSimpleName());
    }
}
