package io.sluice.store.r2dbc;

import java.util.Map;

/** The H2 settings the file store opens with; the reasons are in this module's README. */
final class H2Settings {
    /**
     * WRITE_DELAY=0: H2 writes its MVStore to the file at every commit (by default it waits up to 500 ms, and a
     * process crash loses what was committed meanwhile).
     */
    /* RETENTION_TIME=0: the MVStore may reuse a chunk's space as soon as no live page is left in it. With the
     * default 45 s every commit's chunk is kept 45 s, and under group commit the file grew by ~36 MB/s in
     * H2FileSpaceTest (291 MB after 200,000 batches); 1000 ms still grew (79 MB); 0 stays at ~12 MB. */
    static final Map<String, String> FILE = Map.of("WRITE_DELAY", "0", "RETENTION_TIME", "0");

    private H2Settings() {
    }
}
