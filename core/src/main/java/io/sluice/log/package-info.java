/**
 * Where records live: the {@link io.sluice.log.RecordBatch} format (one encoding for memory, disk and wire, written
 * by {@link io.sluice.log.BatchBuilder}), and the storage SPI: {@link io.sluice.log.LogStore} and
 * {@link io.sluice.log.OffsetStore}, which {@code sluice-store-r2dbc} implements. The engine's in-memory partition
 * log is in {@code io.sluice.log.internal}.
 */
package io.sluice.log;
