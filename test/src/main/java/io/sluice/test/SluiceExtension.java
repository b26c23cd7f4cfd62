package io.sluice.test;

import io.sluice.Sluice;
import io.sluice.admin.TopicSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link SluiceTest}: starts a {@link SluiceTestKit} per test method, or per class when the
 * class's test instance lifecycle is {@code PER_CLASS}; creates the {@link SluiceTopic}s; sets the test's fields and
 * resolves its parameters of type {@link Sluice} and {@link SluiceTestKit}; closes the kit after the method (or the
 * class). Use it through {@code @SluiceTest}, which also says whether there is a node.
 */
public final class SluiceExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SluiceExtension.class);
    private static final String KIT = "kit";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (perClass(context)) {
            SluiceTestKit kit = start(context, classTopics(context.getRequiredTestClass()));
            context.getStore(NAMESPACE).put(KIT, kit);
            context.getTestInstance().ifPresent(instance -> inject(instance, kit));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        List<SluiceTopic> methodTopics = AnnotationSupport.findRepeatableAnnotations(method, SluiceTopic.class);
        if (perClass(context)) {
            if (!methodTopics.isEmpty()) {
                throw new ExtensionConfigurationException("@SluiceTopic on " + method.getName() + "(): the engine of "
                        + context.getRequiredTestClass().getSimpleName() + " is per class (@TestInstance(PER_CLASS)), so a"
                        + " method's topic would outlive the method; name it on the class, or create it in the test");
            }
            return;
        }
        List<SluiceTopic> topics = new ArrayList<>(classTopics(context.getRequiredTestClass()));
        topics.addAll(methodTopics);
        SluiceTestKit kit = start(context, topics);
        context.getStore(NAMESPACE).put(KIT, kit);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            inject(instance, kit);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass(context)) {
            close(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass(context)) {
            close(context);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Sluice.class || type == SluiceTestKit.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SluiceTestKit kit = context.getStore(NAMESPACE).get(KIT, SluiceTestKit.class);
        if (kit == null) {
            String where = parameter.getDeclaringExecutable() instanceof Constructor<?> ? "a constructor"
                    : parameter.getDeclaringExecutable().getName() + "()";
            throw new ParameterResolutionException("no Sluice engine for " + where + " of "
                    + context.getRequiredTestClass().getSimpleName() + ": a per-method engine starts before each test"
                    + " method (before @BeforeEach), after the constructor and @BeforeAll; for one engine per class"
                    + " annotate the class @TestInstance(TestInstance.Lifecycle.PER_CLASS)");
        }
        return parameter.getParameter().getType() == Sluice.class ? kit.sluice() : kit;
    }

    private static boolean perClass(ExtensionContext context) {
        return context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD) == TestInstance.Lifecycle.PER_CLASS;
    }

    private static SluiceTestKit start(ExtensionContext context, List<SluiceTopic> topics) {
        List<TopicSpec> specs = new ArrayList<>();
        for (SluiceTopic t : topics) {
            specs.add(TopicSpec.of(t.name()).partitions(t.partitions()));
        }
        return SluiceTestKit.start(annotation(context.getRequiredTestClass()).map(SluiceTest::node).orElse(false), specs);
    }

    private static void close(ExtensionContext context) {
        SluiceTestKit kit = context.getStore(NAMESPACE).remove(KIT, SluiceTestKit.class);
        if (kit != null) {
            kit.close();
        }
    }

    /** {@code @SluiceTest} of the class or, for a {@code @Nested} one, of the class it is in. */
    private static Optional<SluiceTest> annotation(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Optional<SluiceTest> found = AnnotationSupport.findAnnotation(c, SluiceTest.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The class's {@code @SluiceTopic}s, and those of the classes a {@code @Nested} one is in. */
    private static List<SluiceTopic> classTopics(Class<?> testClass) {
        List<SluiceTopic> topics = new ArrayList<>();
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            topics.addAll(0, AnnotationSupport.findRepeatableAnnotations(c, SluiceTopic.class));
        }
        return topics;
    }

    /** Sets the instance's fields of type {@link Sluice} and {@link SluiceTestKit} (not static or final), its superclasses' too. */
    private static void inject(Object instance, SluiceTestKit kit) {
        for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Class<?> type = field.getType();
                if (type != Sluice.class && type != SluiceTestKit.class
                        || Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                    continue; // a static or final one is the test's own (one that keeps a kit across methods, say)
                }
                try {
                    field.setAccessible(true);
                    field.set(instance, type == Sluice.class ? kit.sluice() : kit);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new ExtensionConfigurationException("could not set field " + c.getSimpleName() + "."
                            + field.getName() + " to the Sluice test kit's " + type.getSimpleName(), e);
                }
            }
        }
    }
}
