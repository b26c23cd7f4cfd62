package io.sluice.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Sluice;
import io.sluice.admin.TopicDescription;
import io.sluice.errors.ClosedException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import reactor.test.StepVerifier;

/** The default lifecycle: each test method gets an engine of its own, with the class's topics, closed after it. */
@SluiceTest
@SluiceTopic(name = "orders", partitions = 4)
@SluiceTopic(name = "audit")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodEngineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The engine of the first method, for the second to compare with. */
    private static Sluice first;

    Sluice sluice;
    SluiceTestKit kit;
    private SluiceTestKit beforeEachKit;

    @BeforeEach
    void setUp(SluiceTestKit kit) {
        beforeEachKit = kit;
    }

    @Test
    @Order(1)
    void theFirstMethodWritesToItsEngine(Sluice sluice, SluiceTestKit kit) {
        first = sluice;
        kit.send("orders", "k", "one");
        kit.createTopic("scratch", 1);

        assertThat(kit.awaitRecords("orders", 1, TIMEOUT)).hasSize(1);
        assertThat(sluice.admin().listTopics().collectList().block(TIMEOUT)).containsExactly("audit", "orders", "scratch");
    }

    @Test
    @Order(2)
    void theNextMethodGetsAFreshEngineAndTheFirstOneIsClosed(Sluice sluice, SluiceTestKit kit) {
        assertThat(first).as("the first method ran first").isNotNull();
        assertThat(sluice).isNotSameAs(first);
        assertThat(sluice.admin().listTopics().collectList().block(TIMEOUT)).containsExactly("audit", "orders");
        StepVerifier.create(kit.records("orders")).expectComplete().verify(TIMEOUT);
        StepVerifier.create(first.admin().listTopics()).expectError(ClosedException.class).verify(TIMEOUT);
    }

    @Test
    void theClassesTopicsExistWithTheirPartitions(Sluice sluice) {
        StepVerifier.create(sluice.admin().describeTopic("orders").map(d -> d.partitions().size()))
                .expectNext(4).verifyComplete();
        StepVerifier.create(sluice.admin().describeTopic("audit").map(d -> d.partitions().size()))
                .expectNext(1).verifyComplete();
    }

    @Test
    @SluiceTopic(name = "extra", partitions = 2)
    void aMethodsTopicIsAddedForThatMethod(Sluice sluice) {
        TopicDescription extra = sluice.admin().describeTopic("extra").block(TIMEOUT);
        assertThat(extra.partitions()).hasSize(2);
        assertThat(sluice.admin().listTopics().collectList().block(TIMEOUT)).containsExactly("audit", "extra", "orders");
    }

    @Test
    void fieldsAndParametersAreTheSameEngineAndKit(Sluice sluice, SluiceTestKit kit) {
        assertThat(this.sluice).isSameAs(sluice).isSameAs(kit.sluice()).isSameAs(kit.engine());
        assertThat(this.kit).isSameAs(kit).isSameAs(beforeEachKit);
        assertThat(kit.hasNode()).isFalse();
        assertThatThrownBy(kit::client).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@SluiceTest(node = true)");
    }

    @Nested
    class InANestedClass {
        Sluice nestedSluice;

        @Test
        @SluiceTopic(name = "nested")
        void theEngineHasTheOuterClassesTopicsAndBothInstancesFieldsAreSet(Sluice sluice) {
            assertThat(nestedSluice).isSameAs(sluice);
            assertThat(PerMethodEngineTest.this.sluice).isSameAs(sluice);
            assertThat(sluice.admin().listTopics().collectList().block(TIMEOUT)).containsExactly("audit", "nested", "orders");
        }
    }
}
