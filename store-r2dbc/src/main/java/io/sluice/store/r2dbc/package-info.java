/** Durable {@code LogStore} and {@code OffsetStore} on R2DBC (H2 embedded, PostgreSQL). Not built yet: see the durable-store issue. */
package io.sluice.store.r2dbc;
