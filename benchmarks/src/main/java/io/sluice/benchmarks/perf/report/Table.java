package io.sluice.benchmarks.perf.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: a header row, a rule, then rows; the first column left-aligned, the others
 * right-aligned, columns separated by two spaces.
 *
 * <pre>
 * metric            reactor-raw  sluice-embedded
 * ----------------  -----------  ---------------
 * throughput msg/s   12,345,678        1,234,567
 * </pre>
 */
public final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        if (headers.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.headers = headers.clone();
    }

    /** Adds a row; missing cells are blank, nulls print as blank, extra cells are an error. */
    public Table row(Object... cells) {
        if (cells.length > headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + headers.length + " columns");
        }
        String[] r = new String[headers.length];
        Arrays.fill(r, "");
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(r);
        return this;
    }

    /** The table as lines ending in a line separator. */
    public String render() {
        int[] width = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            width[c] = headers[c].length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width);
        String[] rule = new String[headers.length];
        for (int c = 0; c < headers.length; c++) {
            rule[c] = "-".repeat(width[c]);
        }
        line(sb, rule, width);
        for (String[] r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                l.append("  ");
            }
            String pad = " ".repeat(width[c] - cells[c].length());
            if (c == 0) {
                l.append(cells[c]).append(pad);
            } else {
                l.append(pad).append(cells[c]);
            }
        }
        sb.append(l.toString().stripTrailing()).append(System.lineSeparator());
    }

    @Override
    public String toString() {
        return render();
    }
}
