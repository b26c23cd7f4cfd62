package io.sluice.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The check behind {@link RequiresServer}, and the rule {@link RequiresExecutable} shares: skip with a reason, or
 * fail under {@code CI=true}.
 */
public final class ServerAvailability implements ExecutionCondition {

    /** True when the environment says this is CI ({@code CI=true}). */
    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** True when a TCP connection to host:port opens within a second. */
    public static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        RequiresServer server = context.getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresServer.class))
                .orElse(null);
        if (server == null) {
            return ConditionEvaluationResult.enabled("no server needed");
        }
        return decide(context.getDisplayName(), server, reachable(server.host(), server.port()), onCi());
    }

    /** Runs the test when the server is reachable; otherwise skips it (printing why), or fails on CI. */
    static ConditionEvaluationResult decide(String test, RequiresServer server, boolean reachable, boolean ci) {
        return decide(test, reachable, server.name() + " is reachable",
                server.name() + " is not reachable at " + server.host() + ":" + server.port(),
                ".ci/run starts the servers; is it down?", ci);
    }

    /**
     * The rule for anything a test needs from its environment (a server, an executable): run when it is there;
     * otherwise skip with {@code missing} printed, or, on CI, fail naming {@code remedy}.
     */
    public static ConditionEvaluationResult decide(String test, boolean available, String present, String missing, String remedy,
                                            boolean ci) {
        if (available) {
            return ConditionEvaluationResult.enabled(present);
        }
        if (ci) {
            throw new IllegalStateException(missing + " and CI=true: failing instead of skipping " + test + " (" + remedy + ")");
        }
        System.out.println("SKIPPED " + test + ": " + missing + " (with CI=true this is a failure)");
        return ConditionEvaluationResult.disabled(missing);
    }
}
