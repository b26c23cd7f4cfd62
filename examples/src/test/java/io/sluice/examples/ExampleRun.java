package io.sluice.examples;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an example's command line as {@code java -jar sluice-examples.jar ARGS} would, and reads its summary. */
record ExampleRun(int exitCode, String output, String errors, Map<String, String> summary) {
    static ExampleRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SluiceExamples.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new ExampleRun(code, out.toString(), err.toString(), summaryOf(out.toString()));
    }

    /** The {@code key: value} lines after the last {@code summary} line. */
    static Map<String, String> summaryOf(String output) {
        Map<String, String> lines = new LinkedHashMap<>();
        int at = output.lastIndexOf("\nsummary\n");
        if (at < 0 && !output.startsWith("summary\n")) {
            return lines;
        }
        for (String line : output.substring(at < 0 ? 0 : at + 1).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                lines.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return lines;
    }

    long number(String key) {
        String v = summary.get(key);
        if (v == null) {
            throw new AssertionError("no '" + key + "' in the summary of:\n" + output + errors);
        }
        return Long.parseLong(v.replace(",", "").split(" ")[0]);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n" + output + errors;
    }
}
