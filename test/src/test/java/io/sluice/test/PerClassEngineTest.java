package io.sluice.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Sluice;
import io.sluice.record.Record;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import reactor.test.StepVerifier;

/** {@code @TestInstance(PER_CLASS)}: one engine for every method of the class, open in {@code @BeforeAll} already. */
@SluiceTest
@SluiceTopic(name = "shared", partitions = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerClassEngineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    Sluice sluice;
    private Sluice firstMethods;

    @BeforeAll
    void createsATopicForEveryMethod(SluiceTestKit kit) {
        kit.createTopic("made-before-all", 3);
        kit.send("made-before-all", null, "from @BeforeAll");
    }

    @Test
    @Order(1)
    void theFirstMethodWrites(Sluice sluice, SluiceTestKit kit) {
        firstMethods = sluice;
        assertThat(this.sluice).isSameAs(sluice);
        kit.send("shared", "k", "written by the first method");
    }

    @Test
    @Order(2)
    void theSecondMethodSeesWhatTheFirstAndBeforeAllWrote(Sluice sluice, SluiceTestKit kit) {
        assertThat(sluice).isSameAs(firstMethods).isSameAs(this.sluice);
        StepVerifier.create(kit.records("shared").map(Record::valueAsString))
                .expectNext("written by the first method").expectComplete().verify(TIMEOUT);
        StepVerifier.create(kit.records("made-before-all").map(Record::valueAsString))
                .expectNext("from @BeforeAll").expectComplete().verify(TIMEOUT);
    }
}
