package io.sluice.store.r2dbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.errors.SluiceException;
import org.junit.jupiter.api.Test;

/** Start-up against a database that is not there. */
class UnreachableDatabaseTest {
    @Test
    void anUnreachablePostgresFailsStartUpNamingTheAddressButNotThePassword() {
        assertThatThrownBy(() -> R2dbcStore.postgres("r2dbc:postgresql://postgres:secret@127.0.0.1:1/test"))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining("secret")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aUrlThatIsNotR2dbcIsRefusedWithoutItsPassword() {
        assertThatThrownBy(() -> R2dbcStore.postgres("postgresql://postgres:secret@127.0.0.1/test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an R2DBC URL")
                .hasMessageNotContaining("secret");
    }
}
