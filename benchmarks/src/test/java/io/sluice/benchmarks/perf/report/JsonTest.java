package io.sluice.benchmarks.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.benchmarks.perf.measure.Latency;
import io.sluice.benchmarks.perf.measure.RunResult;
import io.sluice.benchmarks.perf.workload.Workload;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.5, 3e2, 0, -0.0e-1], \"b\": {\"c\": true, \"d\": false, \"e\": null},"
                + " \"f\": \"x\", \"g\": [], \"h\": {}}\n");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", List.of(1L, -2.5, 300.0, 0L, -0.0));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("c", true);
        b.put("d", false);
        b.put("e", null);
        expected.put("b", b);
        expected.put("f", "x");
        expected.put("g", List.of());
        expected.put("h", Map.of());
        assertThat(v).isEqualTo(expected);
        assertThat(List.copyOf(((Map<?, ?>) v).keySet())).isEqualTo(List.of("a", "b", "f", "g", "h"));
    }

    @Test
    void integersBeyondALongBecomeDoubles() {
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("92233720368547758070")).isEqualTo(9.223372036854776E19);
    }

    @Test
    void decodesEscapes() {
        assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC \\ud83d\\ude00 é\""))
                .isEqualTo("q\" b\\ s/ \b\f\n\r\t Aé€ \uD83D\uDE00 é");
    }

    @Test
    void readsBackWhatJsonReportWrites() {
        Workload w = Workload.builder().count(1000).build();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("gc", "2 collections");
        details.put("odd \"key\"", "tab\tnewline\n\u0001 back\\slash é €");
        RunResult r = new RunResult("sluice-embedded", w, 1000, 1000, 1000, 0, 0, 0, Duration.ofMillis(500),
                Duration.ofMillis(400), 2000.5, 0.2, new Latency(1000, 10.5, 20, 30, 40, 50, 12), "it \"broke\"\n\tat x",
                details, List.of(1800L, 2200L));

        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(JsonReport.json(w, List.of(r)));

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) ((List<Object>) root.get("results")).get(0);
        assertThat(result).containsEntry("target", "sluice-embedded").containsEntry("throughput_msgs", 2000.5)
                .containsEntry("acked", 1000L).containsEntry("error", "it \"broke\"\n\tat x")
                .containsEntry("throughput_timeline", List.of(1800L, 2200L));
        assertThat(result.get("details")).isEqualTo(details);
        assertThat(result.get("latency_us")).isEqualTo(Map.of("p50", 10.5, "p90", 20.0, "p99", 30.0, "p999", 40.0, "max", 50.0));
        assertThat(root.get("workload")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("count", 1000L).containsEntry("duration_ms", null).containsEntry("partitioner", "key-hash");
    }

    /**
     * Between values (a missing comma, colon or value, a stray character, the end of a truncated file) the message says
     * what was expected there; inside a string or number it is Jackson's description of the problem.
     */
    @Test
    void badInputNamesTheLineAndColumn() {
        assertError("{\"a\": 1,\n  \"b\" 2}", "line 2, column 7: expected ':' after a member name, found '2'");
        assertError("{\"a\": 1,}", "line 1, column 9: expected a member name in double quotes, found '}'");
        assertError("[1, 2,]", "line 1, column 7: expected a value, found ']'");
        assertError("[1 2]", "line 1, column 4: expected ',' or ']' after an array element, found '2'");
        assertError("{\"a\": 1 \"b\": 2}", "line 1, column 9: expected ',' or '}' after an object member, found '\"'");
        assertError("", "line 1, column 1: expected a value, found the end of the input");
        assertError("[1", "line 1, column 3: expected ',' or ']' after an array element, found the end of the input");
        assertError("{\"a\": 1} x", "line 1, column 10: unexpected 'x' after the end of the JSON value");
        assertError("\"abc", "line 1, column 5: Unexpected end-of-input: was expecting closing quote for a string value");
        assertError("\"a\nb\"", "line 1, column 3: Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped"
                + " using backslash to be included in string value");
        assertError("\"\\x\"", "line 1, column 3: Unrecognized character escape 'x'");
        assertError("\"\\u12G4\"", "line 1, column 6: Unexpected character ('G'): expected a hex-digit for character escape sequence");
        assertError("\"\\u12", "line 1, column 6: Unexpected end-of-input in character escape sequence");
        assertError("012", "line 1, column 2: Invalid numeric value: Leading zeroes not allowed");
        assertError("-", "line 1, column 2: Unexpected end-of-input: No digit following sign");
        assertError("1.", "line 1, column 2: Unexpected character ('.') in numeric value: Decimal point not followed by a digit");
        assertError("1e+", "line 1, column 4: Unexpected end-of-input: expected a digit for number exponent");
        assertError("1e999", "line 1, column 1: number out of range: 1e999");
        assertError("NaN", "line 1, column 1: expected a value, found 'N'");
        assertError("tru", "line 1, column 1: expected a value, found 't'");
        assertError("{'a': 1}", "line 1, column 2: expected a member name in double quotes, found '''");
        assertError("{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate member name \"a\"");
        assertError("// no\n1", "line 1, column 1: expected a value, found '/'");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        char[] open = new char[100_000];
        Arrays.fill(open, '[');
        assertError(new String(open), "line 1, column " + (Json.MAX_DEPTH + 1) + ": nesting deeper than " + Json.MAX_DEPTH + " levels");
        assertThat(Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).isInstanceOf(List.class);
    }

    private static void assertError(String json, String message) {
        assertThatThrownBy(() -> Json.parse(json)).as(json.length() > 60 ? json.substring(0, 60) + "..." : json).isInstanceOf(Json.SyntaxException.class)
                .hasMessage("invalid JSON at " + message);
    }
}
