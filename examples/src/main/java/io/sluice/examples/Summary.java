package io.sluice.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an example found, printed as its last lines: {@code key: value}, one per line, after a {@code summary} line.
 * A check is a line whose value is {@code yes} or {@code NO}; an example whose checks do not all hold exits with 1.
 */
public final class Summary {
    private final Map<String, String> lines = new LinkedHashMap<>();
    private final List<String> failed = new ArrayList<>();

    /** Adds (or replaces) one line. */
    public Summary put(String key, Object value) {
        lines.put(key, String.valueOf(value));
        return this;
    }

    /** Adds a line saying whether {@code holds}; the example fails when it does not. */
    public Summary check(String key, boolean holds) {
        lines.put(key, holds ? "yes" : "NO");
        failed.remove(key);
        if (!holds) {
            failed.add(key);
        }
        return this;
    }

    /** True when every check holds. */
    public boolean holds() {
        return failed.isEmpty();
    }

    /** The checks that did not hold. */
    public List<String> failed() {
        return List.copyOf(failed);
    }

    /** The lines so far, in order. */
    public Map<String, String> lines() {
        return Map.copyOf(lines);
    }

    void print(PrintWriter out) {
        out.println("summary");
        lines.forEach((k, v) -> out.println(k + ": " + v));
        out.flush();
    }
}
