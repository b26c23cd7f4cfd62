package io.sluice.benchmarks.perf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The registry of targets by name; a new target is one line here. */
public final class Targets {
    private static final Map<String, Supplier<Target>> ALL = new LinkedHashMap<>();

    static {
        ALL.put(ReactorRawTarget.NAME, ReactorRawTarget::new);
        ALL.put(SluiceEmbeddedTarget.NAME, SluiceEmbeddedTarget::new);
    }

    private Targets() {
    }

    /** Every target's name, in the order they are listed in help. */
    public static Set<String> names() {
        return ALL.keySet();
    }

    /**
     * A new, unopened target.
     *
     * @throws IllegalArgumentException naming the unknown target and the known ones
     */
    public static Target create(String name) {
        Supplier<Target> s = ALL.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown target '" + name + "'; known targets: " + String.join(", ", names()));
        }
        return s.get();
    }
}
