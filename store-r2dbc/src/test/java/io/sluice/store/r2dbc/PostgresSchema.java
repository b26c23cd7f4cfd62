package io.sluice.store.r2dbc;

import java.util.concurrent.atomic.AtomicInteger;

/** A PostgreSQL schema of a test's own in database {@code test}, created on first use and dropped by {@link #drop()}. */
final class PostgresSchema {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private boolean created;

    PostgresSchema(String purpose) {
        this.name = "sluice_" + purpose + "_" + ProcessHandle.current().pid() + "_" + IDS.incrementAndGet();
    }

    /** The R2DBC URL of the schema (created now if need be). */
    String url() {
        if (!created) {
            PostgresStoreIT.sql("CREATE SCHEMA " + name);
            created = true;
        }
        return PostgresStoreIT.BASE + "?schema=" + name + "&applicationName=" + name;
    }

    String name() {
        return name;
    }

    void drop() {
        if (created) {
            PostgresStoreIT.sql("DROP SCHEMA " + name + " CASCADE");
            created = false;
        }
    }
}
