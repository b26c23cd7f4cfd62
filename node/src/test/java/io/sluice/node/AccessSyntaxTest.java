package io.sluice.node;

import io.sluice.transport.netty.Access;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessSyntaxTest {
    @Test
    void clausesAddUpToReadWriteAndAdmin() {
        Access a = AccessSyntax.parse("read=orders,audit.*;write=orders;admin");
        assertThat(a.canRead("orders")).isTrue();
        assertThat(a.canRead("audit.eu")).isTrue();
        assertThat(a.canRead("payments")).isFalse();
        assertThat(a.canWrite("orders")).isTrue();
        assertThat(a.canWrite("audit.eu")).isFalse();
        assertThat(a.isAdmin()).isTrue();
    }

    @Test
    void spacesAndCaseAroundClausesAreForgiven() {
        Access a = AccessSyntax.parse(" READ = orders , billing ; Write=orders ");
        assertThat(a.canRead("billing")).isTrue();
        assertThat(a.canWrite("orders")).isTrue();
        assertThat(a.isAdmin()).isFalse();
    }

    @Test
    void readAloneGrantsNoWriteNorAdmin() {
        Access a = AccessSyntax.parse("read=*");
        assertThat(a.canRead("anything")).isTrue();
        assertThat(a.canWrite("anything")).isFalse();
        assertThat(a.isAdmin()).isFalse();
    }

    @Test
    void allGrantsEverything() {
        Access a = AccessSyntax.parse("all");
        assertThat(a.canRead("x")).isTrue();
        assertThat(a.canWrite("x")).isTrue();
        assertThat(a.isAdmin()).isTrue();
    }

    @Test
    void malformedAccessIsRejectedSayingWhy() {
        assertThatThrownBy(() -> AccessSyntax.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> AccessSyntax.parse("read")).hasMessageContaining("'read' needs topics");
        assertThatThrownBy(() -> AccessSyntax.parse("read=")).hasMessageContaining("empty topic pattern");
        assertThatThrownBy(() -> AccessSyntax.parse("read=a,,b")).hasMessageContaining("empty topic pattern");
        assertThatThrownBy(() -> AccessSyntax.parse("read=a;;admin")).hasMessageContaining("empty clause");
        assertThatThrownBy(() -> AccessSyntax.parse("admin=orders")).hasMessageContaining("'admin' takes no topics");
        assertThatThrownBy(() -> AccessSyntax.parse("delete=orders")).hasMessageContaining("unknown permission 'delete'");
        assertThatThrownBy(() -> AccessSyntax.parse("read=*.eu")).hasMessageContaining("'*' may only end a pattern");
    }
}
