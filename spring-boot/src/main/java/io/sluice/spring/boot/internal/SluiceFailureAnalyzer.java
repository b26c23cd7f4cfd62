package io.sluice.spring.boot.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Boot's start-up failure report for a bad {@code sluice.*} property: the description names the property, its value
 * and the reason; the action says what to change. Registered in {@code META-INF/spring.factories}.
 */
public final class SluiceFailureAnalyzer extends AbstractFailureAnalyzer<SluicePropertyException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SluicePropertyException cause) {
        String description = "Sluice could not start: the property '" + cause.property() + "' "
                + (cause.value() == null ? "is not set" : "has the value " + SluicePropertyException.quoted(cause.value()))
                + ".\n\nReason: " + cause.reason();
        return new FailureAnalysis(description, cause.action(), cause);
    }
}
