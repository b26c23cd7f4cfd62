package io.sluice.benchmarks.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.RequiresServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice-perf parity} scaled down (2-second phases): for each peer it prints the peer's own tool's rate and the
 * driver's, both positive. (Whether the ratio is at least 0.9 is a measurement, in benchmarks/RESULTS.md, not a test.)
 */
class ParityIT {
    private static final Pattern ROW = Pattern.compile("(?m)^(rabbitmq|kafka|nats)\\s+([0-9,]+)\\s+([0-9,]+)\\s+([0-9.]+)\\s");

    private static String parity(String peers, String... more) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("parity", "--peers", peers, "--size", "100", "--duration", "2s",
                "--warmup", "1s", "-q"));
        args.addAll(List.of(more));
        int code = SluicePerf.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        assertThat(code).as("exit code; output:\n%s\nerrors:\n%s", out, err).isZero();
        return out.toString();
    }

    private static void assertBothFiguresPositive(String output, String peer) {
        Matcher m = ROW.matcher(output);
        boolean found = false;
        while (m.find()) {
            if (m.group(1).equals(peer)) {
                found = true;
                assertThat(Double.parseDouble(m.group(2).replace(",", ""))).as(peer + "'s own tool").isPositive();
                assertThat(Double.parseDouble(m.group(3).replace(",", ""))).as(peer + "'s driver").isPositive();
                assertThat(Double.parseDouble(m.group(4))).as(peer + "'s ratio").isPositive();
            }
        }
        assertThat(found).as("a row for %s in:\n%s", peer, output).isTrue();
    }

    @Nested
    @RequiresServer(name = "RabbitMQ", port = 5672)
    class RabbitMqAndKafka {
        @Test
        void perfTestAndKafkasOwnToolsRunBesideTheDrivers() {
            String out = parity("rabbitmq,kafka");
            assertBothFiguresPositive(out, "rabbitmq");
            assertBothFiguresPositive(out, "kafka");
            assertThat(out).contains("PerfTest --uri amqp://127.0.0.1:5672").doesNotContain("guest:guest");
            assertThat(out).contains("ConsumerPerformance").contains("ProducerPerformance");
        }
    }

    @Nested
    @RequiresServer(name = "NATS", port = 4222)
    class Nats {
        @Test
        void natsBenchsRecipeRunsBesideTheDriverAndIsLabelledAsSuch(@TempDir Path dir) throws IOException {
            Path json = dir.resolve("parity.json");
            String out = parity("nats", "--json", json.toString());
            assertBothFiguresPositive(out, "nats");
            assertThat(out).contains("NOT the nats tool");
            // --json keeps the driver's result with the tool's rate and the ratio beside it
            assertThat(Files.readString(json)).contains("\"target\": \"nats\"").contains("\"own tool rate\"")
                    .contains("\"driver / tool\"").contains("NOT the nats tool");
        }
    }
}
