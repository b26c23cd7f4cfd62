package io.sluice.store.r2dbc;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreSpecTest {
    @Test
    void everyFormIsRecognised() {
        assertThat(StoreSpec.parse("memory").kind()).isEqualTo(StoreSpec.Kind.MEMORY);
        assertThat(StoreSpec.parse("h2mem").kind()).isEqualTo(StoreSpec.Kind.H2_MEMORY);
        assertThat(StoreSpec.parse("h2:./data").kind()).isEqualTo(StoreSpec.Kind.H2_FILE);
        assertThat(StoreSpec.parse("r2dbc:postgresql://sluice@db.example:5432/sluice").kind()).isEqualTo(StoreSpec.Kind.POSTGRESQL);
    }

    @Test
    void anH2DirectoryIsShownAbsolute() {
        assertThat(StoreSpec.parse("h2:data/../data").toString()).isEqualTo("h2:" + Path.of("data").toAbsolutePath());
    }

    @Test
    void aPostgresPasswordIsNeverShown() {
        StoreSpec s = StoreSpec.parse("r2dbc:postgresql://bob:hunter2@db:5432/sluice?sslMode=require");
        assertThat(s.toString()).isEqualTo("r2dbc:postgresql://bob:***@db:5432/sluice?sslMode=require");
        assertThat(StoreSpec.redact("r2dbc:postgresql://db/sluice?user=bob&password=hunter2&x=1"))
                .isEqualTo("r2dbc:postgresql://db/sluice?user=bob&password=***&x=1");
    }

    @Test
    void otherFormsAreRejected() {
        assertThatThrownBy(() -> StoreSpec.parse("h2")).hasMessageContaining("unknown store 'h2'");
        assertThatThrownBy(() -> StoreSpec.parse("r2dbc:mysql://db/x")).hasMessageContaining("unknown store");
        assertThatThrownBy(() -> StoreSpec.parse("")).hasMessageContaining("unknown store");
    }
}
