/**
 * Where records live: the {@link io.sluice.log.RecordBatch} format (one encoding for memory, disk and wire),
 * the in-memory {@link io.sluice.log.MemoryLog} of a partition, and the storage SPIs
 * {@link io.sluice.log.LogStore} and {@link io.sluice.log.OffsetStore}.
 */
package io.sluice.log;
