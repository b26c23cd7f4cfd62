package io.sluice.benchmarks.perf.measure;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Repeated runs ({@code --repeat N}) of several targets in alternating order: A B C, then C B A, then A B C, ... so
 * that no target always runs first (with a cold machine) or last (after the others warmed its caches or filled its
 * disk). Each target runs with a fresh driver every time.
 */
public final class Rounds {
    private Rounds() {
    }

    /** The order of round {@code round} (from 0): as given in even rounds, reversed in odd ones. */
    public static <T> List<T> order(List<T> items, int round) {
        List<T> order = new ArrayList<>(items);
        if (round % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    /**
     * Runs each of {@code targets} once per round, {@code repeat} rounds, in {@linkplain #order alternating order}, and
     * returns each round's results in the order of {@code targets} (not the order they ran in).
     *
     * @param run      runs one target once
     * @param progress where a line per round goes (with repeats only), or null
     */
    public static List<List<RunResult>> run(List<String> targets, int repeat, Function<String, RunResult> run, PrintWriter progress) {
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1, was " + repeat);
        }
        List<List<RunResult>> rounds = new ArrayList<>();
        for (int round = 0; round < repeat; round++) {
            List<String> order = order(targets, round);
            if (progress != null && repeat > 1) {
                progress.printf(Locale.ROOT, "round %d of %d: %s%n", round + 1, repeat, String.join(", ", order));
                progress.flush();
            }
            Map<String, RunResult> byTarget = new LinkedHashMap<>();
            for (String target : order) {
                byTarget.put(target, run.apply(target));
            }
            List<RunResult> inGivenOrder = new ArrayList<>();
            for (String target : targets) {
                inGivenOrder.add(byTarget.get(target));
            }
            rounds.add(List.copyOf(inGivenOrder));
        }
        return List.copyOf(rounds);
    }
}
