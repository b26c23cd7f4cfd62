package io.sluice.node;

import io.sluice.store.r2dbc.StoreSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line: bad options exit with 2 and one line naming the option, before anything is opened or bound. */
class NodeCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return SluiceNode.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private String errLine() {
        String e = err.toString();
        assertThat(e.strip().lines()).as("one line on stderr: %s", e).hasSize(1);
        assertThat(out.toString()).as("nothing on stdout").isEmpty();
        return e.strip();
    }

    @Test
    void unknownStoreFormIsRejectedNamingTheForms() {
        assertThat(execute("--store", "mongo://x")).isEqualTo(2);
        assertThat(errLine()).startsWith("sluice-node: ").contains("'--store'").contains("unknown store 'mongo://x'")
                .contains("memory").contains("h2:<dir>").contains("h2mem").contains("r2dbc:postgresql://")
                .doesNotContain("Exception");
    }

    @Test
    void h2WithoutADirectoryIsRejected() {
        assertThat(execute("--store", "h2:")).isEqualTo(2);
        assertThat(errLine()).contains("'--store'").contains("needs a directory");
    }

    @Test
    void aMalformedPostgresUrlIsRejectedWithoutItsPassword() {
        assertThat(execute("--store", "r2dbc:postgresql://bob:hunter2@")).isEqualTo(2);
        assertThat(errLine()).contains("'--store'").contains("not a PostgreSQL R2DBC URL").doesNotContain("hunter2");
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThat(execute("--port", "70000")).isEqualTo(2);
        assertThat(errLine()).contains("'--port'").contains("0..65535").contains("70000");
    }

    @Test
    void portThatIsNotANumberIsRejected() {
        assertThat(execute("--http-port", "http")).isEqualTo(2);
        assertThat(errLine()).contains("'--http-port'").contains("'http' is not a port number");
    }

    @Test
    void httpPortEqualToTheTcpPortIsRejected() {
        assertThat(execute("--port", "7421", "--http-port", "7421")).isEqualTo(2);
        assertThat(errLine()).contains("'--http-port'").contains("must differ from --port");
    }

    @Test
    void tokenWithoutAccessIsRejected() {
        assertThat(execute("--token", "hunter2")).isEqualTo(2);
        assertThat(errLine()).contains("'--token'").contains("TOKEN=ACCESS").contains("has no '='")
                .doesNotContain("hunter2");
    }

    @Test
    void tokenWithAnUnknownPermissionIsRejectedWithoutRepeatingTheToken() {
        assertThat(execute("--token", "hunter2=raed=orders")).isEqualTo(2);
        assertThat(errLine()).contains("'--token'").contains("unknown permission 'raed'").doesNotContain("hunter2");
    }

    @Test
    void tokenWithAStarInsideAPatternIsRejected() {
        assertThat(execute("--token", "s3cret=read=a*b")).isEqualTo(2);
        assertThat(errLine()).contains("'--token'").contains("'*' may only end a pattern");
    }

    @Test
    void theSameTokenTwiceIsRejected() {
        assertThat(execute("--token", "hunter2=read=a", "--token", "hunter2=write=b")).isEqualTo(2);
        assertThat(errLine()).contains("'--token'").contains("twice").doesNotContain("hunter2");
    }

    @Test
    void aFrameSizeBelowOneKibibyteIsRejected() {
        assertThat(execute("--max-frame-size", "512")).isEqualTo(2);
        assertThat(errLine()).contains("'--max-frame-size'").contains("1KiB");
    }

    @Test
    void aFrameSizeThatIsNotASizeIsRejected() {
        assertThat(execute("--max-frame-size", "lots")).isEqualTo(2);
        assertThat(errLine()).contains("'--max-frame-size'").contains("'lots' is not a size");
    }

    @Test
    void aCertificateWithoutItsKeyIsRejected(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        assertThat(execute("--tls-cert", cert.toString())).isEqualTo(2);
        assertThat(errLine()).contains("'--tls-cert'").contains("needs --tls-key");
    }

    @Test
    void aMissingKeyFileIsRejected(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        assertThat(execute("--tls-cert", cert.toString(), "--tls-key", dir.resolve("missing.pem").toString())).isEqualTo(2);
        assertThat(errLine()).contains("'--tls-key'").contains("no readable file").contains("missing.pem");
    }

    @Test
    void filesThatAreNotPemAreRejected(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key\n");
        assertThat(execute("--tls-cert", cert.toString(), "--tls-key", key.toString())).isEqualTo(2);
        assertThat(errLine()).contains("'--tls-cert'/'--tls-key'").contains("cert.pem").contains("key.pem");
    }

    @Test
    void anUnknownOptionIsRejected() {
        assertThat(execute("--prot", "7420")).isEqualTo(2);
        assertThat(errLine()).contains("Unknown option").contains("--prot");
    }

    @Test
    void helpDocumentsTheAccessSyntaxAndTheStoreForms() {
        assertThat(execute("--help")).isEqualTo(0);
        assertThat(out.toString()).contains("--token=TOKEN=ACCESS").contains("read=TOPICS").contains("write=TOPICS")
                .contains("admin").contains(AccessSyntax.EXAMPLE).contains("h2:<dir>").contains("--http-port");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void defaultsAreLoopbackPort7420MemoryAndNoHttp() {
        SluiceNode node = SluiceNode.parse();
        assertThat(node.host).isEqualTo("127.0.0.1");
        assertThat(node.port).isEqualTo(7420);
        assertThat(node.httpPort).isNull();
        assertThat(node.store.kind()).isEqualTo(StoreSpec.Kind.MEMORY);
        assertThat(node.maxFrameSize).isEqualTo(16 * 1024 * 1024);
        assertThat(node.tokens).isEmpty();
        assertThat(node.name).isEqualTo("sluice");
        assertThat(node.serverOptions().tokens()).isEmpty();
    }

    @Test
    void optionsReachTheServerOptions() {
        SluiceNode node = SluiceNode.parse("--host", "0.0.0.0", "--port", "0", "--max-frame-size", "64KiB",
                "--token", "a=read=orders,audit.*;write=orders", "--token", "b=admin");
        var options = node.serverOptions();
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.port()).isZero();
        assertThat(options.maxFrameSize()).isEqualTo(64 * 1024);
        assertThat(options.tokens()).containsOnlyKeys("a", "b");
        assertThat(options.tokens().get("a").canRead("audit.eu")).isTrue();
        assertThat(options.tokens().get("a").canWrite("audit.eu")).isFalse();
        assertThat(options.tokens().get("b").isAdmin()).isTrue();
    }

    @Test
    void parseThrowsForTheCallerToReport() {
        assertThatThrownBy(() -> SluiceNode.parse("--store", "nope")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("--store");
    }
}
