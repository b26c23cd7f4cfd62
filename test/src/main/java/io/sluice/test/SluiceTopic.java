package io.sluice.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A topic the {@link SluiceTest} engine has when the test starts ({@code TopicSpec.of(name).partitions(partitions)},
 * the other settings their defaults); repeat it for several. On the test class: created when the engine starts. On a
 * test method: created before that method, which a per-method engine only allows (with a per-class engine a method's
 * topic would outlive the method; create it in the test with {@code sluice.admin().createTopic}).
 * For other settings (retention, overflow) create the topic with {@link SluiceTestKit#createTopic(io.sluice.admin.TopicSpec)}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(SluiceTopics.class)
public @interface SluiceTopic {

    /** The topic's name. */
    String name();

    /** How many partitions it has. */
    int partitions() default 1;
}
