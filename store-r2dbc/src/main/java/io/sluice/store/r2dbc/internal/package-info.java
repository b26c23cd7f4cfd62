/**
 * The R2DBC store's implementation: schema and migrations, the H2/PostgreSQL dialects, the group-commit writer.
 * Internal: no compatibility promise; use {@link io.sluice.store.r2dbc.R2dbcStore}.
 */
package io.sluice.store.r2dbc.internal;
