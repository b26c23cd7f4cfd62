/** Durable {@code LogStore} and {@code OffsetStore} on R2DBC: H2 embedded (file or memory) and PostgreSQL. See {@link io.sluice.store.r2dbc.R2dbcStore}. */
package io.sluice.store.r2dbc;
