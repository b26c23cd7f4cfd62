package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFileTest {

    @Test
    void readsBackACompare() {
        ResultsFile f = ResultsFile.parse("r.json", ReportFixtures.compareJson());

        assertThat(f.workload()).containsEntry("record_size", 100L).containsEntry("count", 300_000L).containsEntry("acks", "appended");
        assertThat(f.tune()).isNull();
        assertThat(f.results()).extracting(ResultsFile.Result::target).containsExactly("reactor-raw", "sluice-embedded");
        ResultsFile.Result raw = f.results().get(0);
        assertThat(raw.acked()).isNull();
        assertThat(raw.msgsPerSec()).isEqualTo(103_000);
        assertThat(raw.percentiles()).containsExactly(3.2, 8.5, 41, 180, 2_400);
        assertThat(raw.timeline()).containsExactly(98_000.0, 110_000.0, 101_000.0);
        ResultsFile.Result sluice = f.results().get(1);
        assertThat(sluice.acked()).isEqualTo(300_000);
        assertThat(sluice.duplicated()).isEqualTo(1);
        assertThat(sluice.elapsedMs()).isEqualTo(4600);
        assertThat(sluice.details()).containsKeys("gc", "batches");
    }

    @Test
    void readsATuneSection() {
        ResultsFile f = ResultsFile.parse("t.json", ReportFixtures.tuneJson(5));

        ResultsFile.Tune t = f.tune();
        assertThat(t.target()).isEqualTo("sluice-embedded");
        assertThat(t.p99TargetUs()).isEqualTo(600);
        assertThat(t.defaults()).isZero();
        assertThat(t.recommended()).isEqualTo(2);
        assertThat(t.trials()).hasSize(5);
        assertThat(t.trials().get(1)).isEqualTo(new ResultsFile.Trial(128, 1, 32768, 1.5, 4, true));
        assertThat(t.trials().get(3).meetsP99()).isFalse();
        assertThat(f.results().get(3).error()).startsWith("cut short");
    }

    @Test
    void nullsAreReadAsNotANumberOrNone() {
        String json = ReportFixtures.compareJson().replace("\"throughput_msgs\": 103000.000", "\"throughput_msgs\": null");
        assertThat(ResultsFile.parse("r.json", json).results().get(0).msgsPerSec()).isNaN();
        String noTune = ReportFixtures.tuneJson(2).replaceAll("\"tune\": \\{.*\\}\\]\\}", "\"tune\": null");
        assertThat(ResultsFile.parse("t.json", noTune).tune()).isNull();
    }

    @Test
    void aFileWithoutTimelineStillReads() {
        String old = ReportFixtures.compareJson().replaceAll(", \"throughput_timeline\": \\[[0-9, ]*\\]", "");
        assertThat(old).doesNotContain("throughput_timeline");
        assertThat(ResultsFile.parse("old.json", old).results().get(0).timeline()).isEmpty();
    }

    @Test
    void wrongShapesNameTheField() {
        String compare = ReportFixtures.compareJson();
        assertError("[]", "the top level: expected an object, found an array");
        assertError("{\"results\": []}", "the top level: missing \"workload\"");
        assertError("{\"workload\": {}, \"results\": {}}", "results: expected an array, found an object");
        assertError(compare.replace("\"p99\": 41.000", "\"p99\": \"41\""),
                "results[0].latency_us.p99: expected a number or null, found a string");
        assertError(compare.replace("\"sent\": 300000, \"acked\": null", "\"sent\": -1, \"acked\": null"),
                "results[0].sent: expected a whole number >= 0, found the number -1");
        assertError(compare.replace("\"target\": \"sluice-embedded\"", "\"target\": 7"),
                "results[1].target: expected a string, found the number 7");
        assertError(compare.replace("\"details\": {\"gc\": \"1 collection\"}", "\"details\": {\"gc\": 1}"),
                "results[0].details.gc: expected a string, found the number 1");
        assertError(compare.replace(", \"throughput_timeline\": [98000, 110000, 101000]", ", \"throughput_timeline\": [98000, true]"),
                "results[0].throughput_timeline[1]: expected a number or null, found true");
        assertError(compare.replace("\"lost\": 0, ", ""), "results[0]: missing \"lost\"");
    }

    @Test
    void aTuneSectionMustMatchTheResults() {
        String tune = ReportFixtures.tuneJson(3);
        assertError(tune.replace("\"recommended\": 2", "\"recommended\": 3"),
                "tune.recommended is 3, not an index into results (3 of them)");
        assertError(tune.replace("\"default\": 0", "\"default\": 1.5"), "tune.default: expected a whole number >= 0, found the number 1.5");
        assertError(tune.replace(", {\"prefetch\": 256", "], \"x\": [{\"prefetch\": 256"),
                "tune.trials has 2 trials, but there are 3 results (trials[i] describes results[i])");
        assertError(tune.replace("\"meets_p99\": true", "\"meets_p99\": 1"),
                "tune.trials[0].meets_p99: expected true or false, found the number 1");
    }

    @Test
    void readsBackAMaxRateSearchAsWritten() {
        String json = ReportFixtures.maxRateJson();
        assertThat(json).contains("\n  \"max_rate\": {\"p99_target_us\": 10000.000, \"targets\": [\n    {\"target\": \"sluice-embedded\","
                + " \"max_rate\": 713000, \"ceiling\": 1200000.000, \"ended\": \"the bounds are within 5%\", \"acks\": null,"
                + " \"steps\": [{\"result\": 0, \"rate\": 0, \"meets\": true, \"why\": null}, ");

        ResultsFile f = ResultsFile.parse("m.json", json);

        assertThat(f.tune()).isNull();
        assertThat(f.curve()).isNull();
        assertThat(f.results()).hasSize(10);
        ResultsFile.MaxRate m = f.maxRate();
        assertThat(m.p99TargetUs()).isEqualTo(10_000);
        assertThat(m.targets()).extracting(ResultsFile.MaxRateTarget::target).containsExactly("sluice-embedded", "kafka");
        ResultsFile.MaxRateTarget sluice = m.targets().get(0);
        assertThat(sluice.maxRate()).isEqualTo(713_000);
        assertThat(sluice.ceiling()).isEqualTo(1_200_000);
        assertThat(sluice.ended()).isEqualTo("the bounds are within 5%");
        assertThat(sluice.acks()).isNull();
        assertThat(sluice.steps()).containsExactly(new ResultsFile.MaxRateStep(0, 0, true, null),
                new ResultsFile.MaxRateStep(1, 600_000, true, null),
                new ResultsFile.MaxRateStep(2, 848_528, false, "p99 25.00 ms over 10.00 ms"),
                new ResultsFile.MaxRateStep(3, 848_528, false, "p99 25.00 ms over 10.00 ms"),
                new ResultsFile.MaxRateStep(4, 713_000, true, null));
        assertThat(sluice.best()).isEqualTo(sluice.steps().get(4));
        ResultsFile.MaxRateTarget kafka = m.targets().get(1);
        assertThat(kafka.acks()).isEqualTo("none");
        assertThat(kafka.ended()).isEqualTo("at 5 steps");
        assertThat(kafka.steps()).extracting(ResultsFile.MaxRateStep::result).containsExactly(5, 6, 7, 8, 9);
        assertThat(kafka.best().rate()).isEqualTo(10_000);
        assertThat(f.results().get(kafka.steps().get(0).result()).msgsPerSec()).isEqualTo(40_000);
        assertThat(f.results().get(7)).extracting(ResultsFile.Result::target, ResultsFile.Result::p99).containsExactly("kafka", 25_000.0);
    }

    @Test
    void aMaxRateFileIsWrittenAndReadBackThroughAFileAndItsStepsMustPointAtResults(@TempDir Path dir) throws Exception {
        io.sluice.benchmarks.perf.measure.RunResult failed = new io.sluice.benchmarks.perf.measure.RunResult("rabbitmq",
                ReportFixtures.WORKLOAD, 0, 0, 0, 0, 0, 0, java.time.Duration.ZERO, java.time.Duration.ZERO, 0, 0,
                new io.sluice.benchmarks.perf.measure.Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN), "connection refused", java.util.Map.of(), java.util.List.of(), null);
        Path file = dir.resolve("sub/max-rate.json");
        JsonReport.writeMaxRate(file, ReportFixtures.WORKLOAD, java.util.List.of(failed), 500,
                java.util.List.of(new JsonReport.MaxRateTarget("rabbitmq", 0, 0, "the unlimited-rate step failed: connection refused",
                        null, java.util.List.of(new JsonReport.MaxRateStep(0, 0, false, "connection refused")))));

        ResultsFile f = ResultsFile.read(file);

        ResultsFile.MaxRateTarget t = f.maxRate().targets().get(0);
        assertThat(t.maxRate()).isZero();
        assertThat(t.best()).isNull();
        assertThat(t.ended()).isEqualTo("the unlimited-rate step failed: connection refused");
        assertThat(t.steps()).containsExactly(new ResultsFile.MaxRateStep(0, 0, false, "connection refused"));
        assertThat(f.results().get(0).error()).isEqualTo("connection refused");
        assertThatThrownBy(() -> JsonReport.maxRateJson(ReportFixtures.WORKLOAD, java.util.List.of(failed), 500,
                java.util.List.of(new JsonReport.MaxRateTarget("rabbitmq", 0, 0, null, null,
                        java.util.List.of(new JsonReport.MaxRateStep(1, 0, false, "x"))))))
                .hasMessage("rabbitmq's step points at result 1 of 1");
        assertError(ReportFixtures.maxRateJson().replace("{\"result\": 9, ", "{\"result\": 10, "),
                "max_rate.targets[1].steps[4].result is 10, not an index into results (10 of them)");
        assertError(ReportFixtures.maxRateJson().replace("\"meets\": true", "\"meets\": \"yes\""),
                "max_rate.targets[0].steps[0].meets: expected true or false, found a string");
    }

    @Test
    void badJsonAndBadBytesAreNamed(@TempDir Path dir) throws Exception {
        assertError("{\"workload\": {},\n\"results\": [", "invalid JSON at line 2, column 13: expected a value, found the end of the input");
        Path latin1 = dir.resolve("latin1.json");
        Files.write(latin1, "{\"workload\": {\"x\": \"caf\u00e9\"}, \"results\": []}".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ResultsFile.read(latin1)).hasMessage("not UTF-8 text");
    }

    private static void assertError(String json, String message) {
        assertThatThrownBy(() -> ResultsFile.parse("x.json", json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
