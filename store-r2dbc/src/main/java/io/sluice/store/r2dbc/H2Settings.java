package io.sluice.store.r2dbc;

import java.util.Map;

/** The H2 settings the file store opens with; the reasons are in this module's README. */
final class H2Settings {
    /**
     * WRITE_DELAY=0: H2 writes its MVStore to the file at every commit (by default it waits up to 500 ms, and a
     * process crash loses what was committed meanwhile).
     */
    static final Map<String, String> FILE = Map.of("WRITE_DELAY", "0");

    private H2Settings() {
    }
}
