package io.sluice.benchmarks.perf.workload;

import io.sluice.partition.Partitioner;
import io.sluice.partition.Partitioners;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The producer-side partitioning strategies a workload can name ({@code --partitioner}). */
public enum PartitionerKind {
    ROUND_ROBIN,
    RANDOM,
    STICKY,
    /** Sluice's default; the perf tool sends records without keys, so this behaves like {@link #STICKY}. */
    KEY_HASH;

    /** The name on the command line: {@code round-robin}, {@code random}, {@code sticky}, {@code key-hash}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A new partitioner of this kind. */
    public Partitioner create() {
        return switch (this) {
            case ROUND_ROBIN -> Partitioners.roundRobin();
            case RANDOM -> Partitioners.random();
            case STICKY -> Partitioners.sticky();
            case KEY_HASH -> Partitioners.keyHash();
        };
    }

    /** Parses a command-line name (case-insensitive; {@code _} and {@code -} alike). */
    public static PartitionerKind parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (PartitionerKind k : values()) {
            if (k.name().equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown partitioner '" + name + "'; known: "
                + Arrays.stream(values()).map(PartitionerKind::cliName).collect(Collectors.joining(", ")));
    }
}
