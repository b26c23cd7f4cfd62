package io.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExecutableAvailabilityTest {
    @RequiresExecutable(name = "Nothing", path = "/nonexistent/nothing", remedy = "nobody installs it")
    static final class NeedsNothing {
    }

    private static final RequiresExecutable NOTHING = NeedsNothing.class.getAnnotation(RequiresExecutable.class);

    @Test
    void aMissingExecutableSkipsTheTestWithAReasonOnADevelopersMachine() {
        var result = ExecutableAvailability.decide("SomeIT", NOTHING, false, false);
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValue("Nothing is not installed at /nonexistent/nothing");
    }

    @Test
    void aMissingExecutableFailsTheTestOnCiNamingTheRemedy() {
        assertThatThrownBy(() -> ExecutableAvailability.decide("SomeIT", NOTHING, false, true))
                .hasMessageContaining("Nothing is not installed at /nonexistent/nothing and CI=true")
                .hasMessageContaining("nobody installs it");
    }

    @Test
    void aPresentExecutableRunsTheTest() {
        assertThat(ExecutableAvailability.decide("SomeIT", NOTHING, true, true).isDisabled()).isFalse();
    }

    @Test
    void onlyExistingExecutableFilesCount() {
        assertThat(ExecutableAvailability.executable("/nonexistent/nothing")).isFalse();
        assertThat(ExecutableAvailability.executable("/")).isFalse();
        assertThat(ExecutableAvailability.executable("/bin/sh")).isTrue();
    }
}
