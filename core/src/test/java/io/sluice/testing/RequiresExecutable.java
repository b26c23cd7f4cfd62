package io.sluice.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs a program (a browser, a broker's command-line tool). When the file at {@link #path()} is
 * not an executable, the class is skipped with a printed reason on a developer's machine, and fails when the
 * environment variable {@code CI} is {@code true}, like {@link RequiresServer}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(ExecutableAvailability.class)
public @interface RequiresExecutable {
    /** What the program is, for the message: "Chromium". */
    String name();

    /** Its absolute path: "/usr/bin/chromium". */
    String path();

    /** How it gets installed, for the CI failure: ".ci/run installs Debian's chromium". */
    String remedy() default ".ci/run installs it";
}
