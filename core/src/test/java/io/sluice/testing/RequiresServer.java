package io.sluice.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that needs a server (PostgreSQL, RabbitMQ, ...). When nothing listens at host:port the
 * class is skipped with a printed reason on a developer's machine, and fails when the environment
 * variable {@code CI} is {@code true}, so that CI can never pass by skipping it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(ServerAvailability.class)
public @interface RequiresServer {
    /** What the server is, for the message: "PostgreSQL". */
    String name();

    String host() default "127.0.0.1";

    int port();
}
