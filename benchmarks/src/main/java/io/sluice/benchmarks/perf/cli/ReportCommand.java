package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.report.HtmlReport;
import io.sluice.benchmarks.perf.report.ResultsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-perf report}: turns the JSON files of {@code --json} (and of {@code tune}) into one self-contained
 * HTML page with charts ({@link HtmlReport}). A file that cannot be read or is not a results file is bad input:
 * one line naming the file and what is wrong, exit code 2.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Turns JSON results (of --json, compare or tune) into a self-contained HTML page with charts:"
                + " throughput over time, latency percentiles per target, the tune sweep, and the tables."
                + " Several files become one page.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "JSON results files, in the order of the page.")
    List<Path> files;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "The HTML file to write (default: the first input with .html instead of .json).")
    Path output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ResultsFile> inputs = new ArrayList<>();
        for (Path file : files) {
            try {
                inputs.add(ResultsFile.read(file));
            } catch (NoSuchFileException e) {
                return fail(err, file, "no such file", 2);
            } catch (IOException e) {
                return fail(err, file, "cannot read: " + e, 2);
            } catch (IllegalArgumentException e) {
                return fail(err, file, e.getMessage(), 2);
            }
        }
        Path html = output != null ? output : defaultOutput(files.get(0));
        try {
            Path parent = html.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(html, HtmlReport.html(inputs), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return fail(err, html, "cannot write the report: " + e, 1);
        }
        out.println("report written to " + html);
        out.flush();
        return 0;
    }

    /** {@code dir/out.json} -> {@code dir/out.html}; a name without {@code .json} gets {@code .html} added. */
    static Path defaultOutput(Path input) {
        String name = input.getFileName().toString();
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return input.resolveSibling(base + ".html");
    }

    private static int fail(PrintWriter err, Path file, String message, int code) {
        err.println("sluice-perf report: " + file + ": " + message.replace('\n', ' '));
        err.flush();
        return code;
    }
}
