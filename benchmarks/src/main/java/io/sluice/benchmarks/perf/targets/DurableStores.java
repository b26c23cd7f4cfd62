package io.sluice.benchmarks.perf.targets;

import io.sluice.benchmarks.perf.targets.peers.PeerTargets;
import io.sluice.kafka.cluster.TempDirectories;
import io.sluice.store.r2dbc.R2dbcStore;
import java.net.URI;
import java.nio.file.Path;

/**
 * The durable stores the perf lab runs Sluice on ({@code sluice-h2}, {@code sluice-postgres}), and what their
 * targets and baselines share: an H2 file in a temporary directory removed after the run, PostgreSQL at
 * {@code --postgres}.
 */
final class DurableStores {
    private DurableStores() {
    }

    /** {@code sluice-h2}: the engine on an H2 file in a temporary directory. */
    static SluiceEmbeddedTarget sluiceH2() {
        return SluiceEmbeddedTarget.onStores("sluice-h2", "Sluice embedded engine on R2dbcStore.h2File (a temporary directory)", () -> {
            Path dir = TempDirectories.create("sluice-perf-h2-");
            try {
                R2dbcStore store = R2dbcStore.h2File(dir.resolve("sluice"));
                return new SluiceEmbeddedTarget.Stores(store, store, "H2 file in " + dir, () -> TempDirectories.delete(dir));
            } catch (RuntimeException e) {
                TempDirectories.delete(dir);
                throw e;
            }
        });
    }

    /** {@code sluice-postgres}: the engine on PostgreSQL at {@code url}. */
    static SluiceEmbeddedTarget sluicePostgres(String url) {
        return SluiceEmbeddedTarget.onStores("sluice-postgres", "Sluice embedded engine on R2dbcStore.postgres at " + safe(url), () -> {
            R2dbcStore store = R2dbcStore.postgres(url);
            return new SluiceEmbeddedTarget.Stores(store, store, "PostgreSQL at " + safe(url), () -> { });
        });
    }

    /** An R2DBC URL fit for messages: no user or password. */
    static String safe(String url) {
        try {
            URI u = URI.create(url.startsWith("r2dbc:") ? url.substring("r2dbc:".length()) : url);
            return "r2dbc:" + PeerTargets.safe(u) + u.getPath();
        } catch (IllegalArgumentException e) {
            return "(a malformed URL)";
        }
    }
}
