package io.sluice.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.sluice.Sluice;
import io.sluice.errors.ClosedException;
import io.sluice.errors.DisconnectedException;
import io.sluice.producer.ProducerOptions;
import io.sluice.transport.netty.NettySluice;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import reactor.test.StepVerifier;

/**
 * Runs test classes that use {@code @SluiceTest} (the nested classes below, which are not run on their own) and checks
 * what the extension did around them: what it closed and when, and how it reports a test it cannot serve.
 */
class SluiceExtensionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The kits the fixtures were given, in order. */
    static final List<SluiceTestKit> KITS = new CopyOnWriteArrayList<>();
    /** Whether the kit was still open in an {@code @AfterEach}. */
    static final List<Boolean> OPEN_IN_AFTER_EACH = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        KITS.clear();
        OPEN_IN_AFTER_EACH.clear();
    }

    @Test
    void afterAFailingTestTheClientTheNodeAndTheEngineAreClosed() {
        Events tests = run(FailingNodeTest.class);

        tests.assertStatistics(s -> s.started(1).failed(1));
        tests.assertThatEvents().haveExactly(1, event(test("fails"), finishedWithFailure(message("the test's own failure"))));
        assertThat(OPEN_IN_AFTER_EACH).containsExactly(true);
        SluiceTestKit kit = KITS.get(0);
        assertThatThrownBy(() -> kit.client().producer(ProducerOptions.create())).isInstanceOf(ClosedException.class);
        StepVerifier.create(kit.engine().admin().listTopics()).expectError(ClosedException.class).verify(TIMEOUT);
        InetSocketAddress node = kit.address();
        assertThatThrownBy(() -> NettySluice.connect(kit.clientOptions().connectTimeout(Duration.ofSeconds(5))).close())
                .as("nothing listens on %s any more", node)
                .isInstanceOf(DisconnectedException.class);
    }

    @Test
    void aPerClassEngineServesEveryMethodAndIsClosedAfterTheLast() {
        Events tests = run(TwoMethodsPerClass.class);

        tests.assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(KITS).hasSize(2);
        assertThat(KITS.get(0)).isSameAs(KITS.get(1));
        StepVerifier.create(KITS.get(0).engine().admin().listTopics()).expectError(ClosedException.class).verify(TIMEOUT);
    }

    @Test
    void aPerMethodEngineIsClosedAfterItsMethodBeforeTheNextStarts() {
        Events tests = run(TwoMethodsPerMethod.class);

        tests.assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(KITS).hasSize(2);
        assertThat(KITS.get(0)).isNotSameAs(KITS.get(1));
        assertThat(OPEN_IN_AFTER_EACH).containsExactly(true, true);
    }

    @Test
    void aMethodsTopicUnderAPerClassEngineFailsNamingTheMethod() {
        Events tests = run(MethodTopicPerClass.class);

        tests.assertThatEvents().haveExactly(1, event(test("withATopic"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message(m -> m.startsWith("@SluiceTopic on withATopic(): the engine of MethodTopicPerClass is per class")))));
    }

    @Test
    void aConstructorOfAPerMethodTestCannotHaveTheEngineAndIsToldWhy() {
        Events tests = run(ConstructorParameter.class);

        tests.assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(
                instanceOf(ParameterResolutionException.class),
                message(m -> m.contains("no Sluice engine for a constructor of ConstructorParameter")
                        && m.contains("@TestInstance(TestInstance.Lifecycle.PER_CLASS)")))));
    }

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .configurationParameter(Fixture.RUN, "true").execute().testEvents();
    }

    /** Runs a fixture class only when a test here launches it (a {@code -Dtest} pattern matches nested classes too). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @ExtendWith(Fixture.Condition.class)
    @interface Fixture {
        String RUN = "io.sluice.test.fixtures";

        final class Condition implements ExecutionCondition {
            @Override
            public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
                return context.getConfigurationParameter(RUN).isPresent()
                        ? ConditionEvaluationResult.enabled("launched by SluiceExtensionTest")
                        : ConditionEvaluationResult.disabled("a fixture of SluiceExtensionTest, run by its tests");
            }
        }
    }

    // ---- the fixtures, run by the tests above only ----

    @Fixture
    @SluiceTest(node = true)
    static class FailingNodeTest {
        SluiceTestKit kit;

        @Test
        void fails() {
            KITS.add(kit);
            throw new AssertionError("the test's own failure");
        }

        @AfterEach
        void stillOpen() {
            OPEN_IN_AFTER_EACH.add(kit.engine().admin().listTopics().collectList().block(TIMEOUT) != null);
        }
    }

    @Fixture
    @SluiceTest
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class TwoMethodsPerClass {
        @Test
        void one(SluiceTestKit kit) {
            KITS.add(kit);
        }

        @Test
        void two(SluiceTestKit kit) {
            KITS.add(kit);
        }
    }

    @Fixture
    @SluiceTest
    static class TwoMethodsPerMethod {
        @Test
        void one(SluiceTestKit kit) {
            KITS.add(kit);
        }

        @Test
        void two(SluiceTestKit kit) {
            KITS.add(kit);
        }

        @AfterEach
        void stillOpen(Sluice sluice) {
            OPEN_IN_AFTER_EACH.add(sluice.admin().listTopics().collectList().block(TIMEOUT) != null);
        }
    }

    @Fixture
    @SluiceTest
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class MethodTopicPerClass {
        @Test
        @SluiceTopic(name = "orders")
        void withATopic() {
        }
    }

    @Fixture
    @SluiceTest
    static class ConstructorParameter {
        ConstructorParameter(Sluice sluice) {
        }

        @Test
        void test() {
        }
    }
}
