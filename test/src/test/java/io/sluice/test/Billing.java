package io.sluice.test;

import io.sluice.Sluice;
import io.sluice.consumer.ConsumerOptions;
import io.sluice.producer.OutboundMessage;
import io.sluice.producer.Producer;
import io.sluice.producer.ProducerOptions;
import java.nio.charset.StandardCharsets;
import reactor.core.Disposable;

/** The application code {@link ReadmeExampleTest} tests: bills each order of {@code orders} into {@code invoices}. */
final class Billing {
    private Billing() {
    }

    static Disposable start(Sluice sluice) {
        Producer invoices = sluice.producer(ProducerOptions.create());
        return sluice.consumer(ConsumerOptions.create("billing").topics("orders"))
                .process(order -> invoices.send(OutboundMessage.of("invoices", order.keyAsString(),
                        (order.keyAsString() + " owes " + order.valueAsString()).getBytes(StandardCharsets.UTF_8), order.offset())))
                .subscribe();
    }
}
