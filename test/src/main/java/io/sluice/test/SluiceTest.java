package io.sluice.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class an embedded Sluice engine ({@code Sluice.embedded()}), what Spring Kafka's {@code @EmbeddedKafka}
 * gives a Kafka test, minus the broker start-up: the engine is in this JVM and starts in milliseconds, so each test
 * method can have a fresh one.
 *
 * <pre>{@code
 * @SluiceTest
 * @SluiceTopic(name = "orders", partitions = 4)
 * class BillingTest {
 *     @Test
 *     void billsEveryOrder(Sluice sluice, SluiceTestKit kit) {
 *         kit.send("orders", "customer-1", "42.00");
 *         StepVerifier.create(kit.records("orders").map(Record::valueAsString)).expectNext("42.00").verifyComplete();
 *     }
 * }
 * }</pre>
 *
 * <p><b>Lifecycle</b> follows JUnit's test instance: by default (one instance per method) every test method gets a new
 * engine, closed after it; a class annotated {@code @TestInstance(TestInstance.Lifecycle.PER_CLASS)} gets one engine for
 * all its methods, started before {@code @BeforeAll} and closed after {@code @AfterAll}. The kit is open in
 * {@code @BeforeEach} and {@code @AfterEach} methods either way.
 *
 * <p><b>Injection</b>: the extension resolves parameters, and sets instance fields (not static, not final), of type
 * {@link io.sluice.Sluice} (what the code under test should use: the node's client with {@link #node()}, else the
 * engine) and {@link SluiceTestKit} (the engine, the client, the node's address and the helpers). Parameters of test
 * methods and of {@code @BeforeEach}/{@code @AfterEach} methods; with a per-class engine of {@code @BeforeAll}/{@code @AfterAll}
 * ones too. Fields are set before {@code @BeforeEach} (per class: before {@code @BeforeAll}), replacing any value.
 *
 * <p><b>Topics</b> named by {@link SluiceTopic} on the class exist when the engine starts; with a per-method engine,
 * {@code @SluiceTopic} on a method adds topics for that method.
 *
 * <p>After the test the kit closes what it opened: extra clients, the client, the node, then the engine.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SluiceExtension.class)
public @interface SluiceTest {

    /**
     * Also serve the engine as a node ({@code SluiceServer}) on a free port of 127.0.0.1 and connect a
     * {@code NettySluice} client to it: the injected {@link io.sluice.Sluice} is then that client, so the test runs the
     * code under test over TCP, as in production, while the kit's helpers still talk to the engine directly.
     */
    boolean node() default false;
}
