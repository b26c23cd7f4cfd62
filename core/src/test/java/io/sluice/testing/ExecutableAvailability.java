package io.sluice.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** The check behind {@link RequiresExecutable}, with {@link ServerAvailability}'s rule: skip, or fail under CI=true. */
public final class ExecutableAvailability implements ExecutionCondition {

    /** True when {@code path} is a regular file this process may execute. */
    public static boolean executable(String path) {
        Path p = Path.of(path);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        RequiresExecutable program = context.getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresExecutable.class))
                .orElse(null);
        if (program == null) {
            return ConditionEvaluationResult.enabled("no executable needed");
        }
        return decide(context.getDisplayName(), program, executable(program.path()), ServerAvailability.onCi());
    }

    static ConditionEvaluationResult decide(String test, RequiresExecutable program, boolean present, boolean ci) {
        return ServerAvailability.decide(test, present, program.name() + " is at " + program.path(),
                program.name() + " is not installed at " + program.path(), program.remedy(), ci);
    }
}
