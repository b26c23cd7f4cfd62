package io.sluice.kafka.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Child JVMs: killed and restarted in their directory, and gone when their parent is killed. */
class ChildJvmTest {
    private static final List<String> FLAGS = List.of("-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern GRANDCHILD = Pattern.compile("grandchild pid (\\d+) in (\\S+)");

    /** A child's main: says it runs, then waits for its parent to end. */
    static final class Idle {
        public static void main(String[] args) throws InterruptedException {
            ChildJvm.exitWithParent("the idle child");
            System.out.println("idle child running");
            System.out.flush();
            Thread.currentThread().join();
        }
    }

    /** A child's main that starts an {@link Idle} child of its own and, once that runs, prints its pid and directory. */
    static final class Parent {
        public static void main(String[] args) throws Exception {
            ChildJvm.exitWithParent("the parent");
            ChildJvm grandchild = ChildJvm.start("the grandchild", TempDirectories.create("sluice-child-jvm-test-"), "out.log",
                    FLAGS, Idle.class, List.of());
            awaitLines(grandchild, "idle child running", 1);
            System.out.println("grandchild pid " + grandchild.pid() + " in " + grandchild.dir());
            System.out.flush();
            Thread.currentThread().join();
        }
    }

    @Test
    @Timeout(60)
    void aKilledChildRestartsInItsDirectoryAndAppendsToItsLog() throws Exception {
        try (ChildJvm child = ChildJvm.start("the idle child", TempDirectories.create("sluice-child-jvm-test-"), "out.log",
                FLAGS, Idle.class, List.of())) {
            awaitLines(child, "idle child running", 1);
            long first = child.pid();

            child.kill();

            assertThat(child.isAlive()).isFalse();
            assertThat(ProcessHandle.of(first).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(child.dir()).isDirectory();

            child.restart();

            awaitLines(child, "idle child running", 2);
            assertThat(child.pid()).isNotEqualTo(first);
            assertThat(child.logLines()).anyMatch(l -> l.contains("the idle child: restarted at")
                    && l.contains("pid " + first + ", exited with 137"));
            assertThatThrownBy(child::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("still runs");
        }
    }

    @Test
    @Timeout(60)
    void aChildExitsByItselfWhenItsParentIsKilled() throws Exception {
        Path grandchildDir = null;
        try (ChildJvm parent = ChildJvm.start("the parent", TempDirectories.create("sluice-child-jvm-test-"), "out.log",
                FLAGS, Parent.class, List.of())) {
            Matcher m = parent.await(() -> parent.logLines().stream().map(GRANDCHILD::matcher).filter(Matcher::matches)
                    .findFirst(), WAIT, "print its child's pid");
            ProcessHandle grandchild = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
            grandchildDir = Path.of(m.group(2));
            assertThat(grandchild.isAlive()).isTrue();

            parent.kill(); // SIGKILL: the parent's shutdown hook, which would stop the grandchild, does not run

            grandchild.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(grandchild.isAlive()).isFalse();
            assertThat(Files.readString(grandchildDir.resolve("out.log")))
                    .contains("the parent process " + parent.pid() + " is gone; stopping the idle child");
        } finally {
            TempDirectories.delete(grandchildDir);
        }
    }

    private static void awaitLines(ChildJvm child, String line, int count) {
        child.await(() -> child.logLines().stream().filter(line::equals).count() >= count ? Optional.of(true) : Optional.empty(),
                WAIT, "print '" + line + "' " + count + " times");
    }
}
