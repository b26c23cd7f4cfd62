package io.sluice.store.r2dbc.internal;

import java.util.List;

/**
 * What differs between the databases the store runs on: column types, the upsert, and whether driver calls block
 * the calling thread (H2 embedded runs the database on the caller's thread; r2dbc-postgresql is Netty-based).
 */
public enum Dialect {
    H2("VARCHAR", "VARBINARY", true) {
        @Override
        public String upsertOffset() {
            return "MERGE INTO sluice_offsets (group_id, topic, part, next_offset) KEY (group_id, topic, part) VALUES ($1, $2, $3, $4)";
        }
    },
    POSTGRESQL("VARCHAR", "BYTEA", false) {
        @Override
        public String upsertOffset() {
            return "INSERT INTO sluice_offsets (group_id, topic, part, next_offset) VALUES ($1, $2, $3, $4)"
                    + " ON CONFLICT (group_id, topic, part) DO UPDATE SET next_offset = EXCLUDED.next_offset";
        }
    };

    private final String text;
    private final String bytes;
    private final boolean blocking;

    Dialect(String text, String bytes, boolean blocking) {
        this.text = text;
        this.bytes = bytes;
        this.blocking = blocking;
    }

    /** True when the driver does its work on the subscribing thread, so calls must run on a thread allowed to block. */
    public boolean blocking() {
        return blocking;
    }

    /** Sets a group's position in one partition: group, topic, partition, next offset. */
    public abstract String upsertOffset();

    /** The tables of schema version 1, in creation order. */
    List<String> schemaV1() {
        return List.of(
                "CREATE TABLE sluice_topics (name " + text + " NOT NULL PRIMARY KEY, partitions INT NOT NULL,"
                        + " retention_records BIGINT NOT NULL, retention_bytes BIGINT NOT NULL,"
                        + " retention_age_seconds BIGINT, retention_age_nanos INT,"
                        + " overflow " + text + " NOT NULL, max_backlog BIGINT NOT NULL)",
                // Batches never overlap within a partition, so (topic, part, last_offset) orders them as base_offset
                // does and serves both reads (last_offset >= from) and range queries with one index.
                "CREATE TABLE sluice_batches (topic " + text + " NOT NULL, part INT NOT NULL, last_offset BIGINT NOT NULL,"
                        + " base_offset BIGINT NOT NULL, first_timestamp BIGINT NOT NULL, max_timestamp BIGINT NOT NULL,"
                        + " bytes " + bytes + " NOT NULL, PRIMARY KEY (topic, part, last_offset))",
                "CREATE TABLE sluice_partitions (topic " + text + " NOT NULL, part INT NOT NULL, start_offset BIGINT NOT NULL,"
                        + " PRIMARY KEY (topic, part))",
                "CREATE TABLE sluice_offsets (group_id " + text + " NOT NULL, topic " + text + " NOT NULL, part INT NOT NULL,"
                        + " next_offset BIGINT NOT NULL, PRIMARY KEY (group_id, topic, part))");
    }

    /**
     * Version 2: an index of the batches' offsets alone, so that the gap check at start-up ({@code contiguousEnd})
     * reads it instead of the rows with their bytes (H2 keeps a row's bytes in its B-tree pages: reading 500,000
     * records' rows took ~0.7 s per partition).
     */
    List<String> schemaV2() {
        return List.of("CREATE INDEX sluice_batches_offsets ON sluice_batches (topic, part, last_offset, base_offset)");
    }

    /** A multi-row insert of {@code rows} batches, 6 parameters each. */
    static String insertBatches(int rows) {
        StringBuilder sb = new StringBuilder(80 + rows * 40)
                .append("INSERT INTO sluice_batches (topic, part, last_offset, base_offset, first_timestamp, max_timestamp, bytes) VALUES ");
        int p = 1;
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                sb.append(", ");
            }
            sb.append("($").append(p++).append(", $").append(p++).append(", $").append(p++).append(", $").append(p++)
                    .append(", $").append(p++).append(", $").append(p++).append(", $").append(p++).append(')');
        }
        return sb.toString();
    }
}
