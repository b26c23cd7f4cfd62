package io.sluice.test;

import io.sluice.Sluice;
import io.sluice.record.Record;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The test README.md's "Testing with Sluice" shows (it quotes this file from {@code @SluiceTest} to the end). */
@SluiceTest                                               // a fresh engine, in this JVM, for each test method
@SluiceTopic(name = "orders", partitions = 4)             // there when the test starts
@SluiceTopic(name = "invoices")
class ReadmeExampleTest {

    @Test
    void billingInvoicesEachOrderOfACustomerInOrder(Sluice sluice, SluiceTestKit kit) {
        kit.send("orders", "customer-1", "12.50");
        kit.send("orders", "customer-1", "7.25");

        Disposable billing = Billing.start(sluice);                           // the code under test
        kit.awaitRecords("invoices", 2, Duration.ofSeconds(10));              // else fails saying how many came
        billing.dispose();

        StepVerifier.create(kit.records("invoices").map(Record::valueAsString))  // from the start; completes at the end
                .expectNext("customer-1 owes 12.50", "customer-1 owes 7.25")
                .verifyComplete();
    }
}
