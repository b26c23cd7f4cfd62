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
