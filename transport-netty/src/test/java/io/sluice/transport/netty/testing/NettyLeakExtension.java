package io.sluice.transport.netty.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reports a leaked buffer (or any tracked resource) during or right after it, naming the
 * leak with its access records. Registered for every test of this module by JUnit's extension auto-detection
 * ({@code META-INF/services}, enabled in {@code junit-platform.properties}); it installs {@link LeakRecorder} when
 * JUnit loads it, before any test allocates a buffer.
 *
 * <p>After each test (after its {@code @AfterEach} methods, so what they close is included) and after each class
 * it collects garbage so that buffers dropped without {@code release()} are reported now rather than during some
 * later test. A leak found then may still come from an earlier test that left work running; its records say
 * where the buffer was allocated and last touched.
 */
public final class NettyLeakExtension implements AfterEachCallback, AfterAllCallback {
    /** Reports longer than this are cut: a paranoid record holds a few stack traces. */
    private static final int MAX_REPORT_CHARS = 20_000;

    public NettyLeakExtension() {
        LeakRecorder.install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context);
    }

    private static void check(ExtensionContext context) {
        List<String> leaks = LeakRecorder.detect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(message(context.getDisplayName(), leaks));
        }
    }

    static String message(String test, List<String> leaks) {
        StringBuilder b = new StringBuilder("Netty reported ").append(leaks.size()).append(" leak(s) during or right after ")
                .append(test).append(':');
        for (String leak : leaks) {
            b.append("\n- ").append(leak);
            if (b.length() > MAX_REPORT_CHARS) {
                b.setLength(MAX_REPORT_CHARS);
                b.append("\n... (cut)");
                break;
            }
        }
        return b.toString();
    }
}
