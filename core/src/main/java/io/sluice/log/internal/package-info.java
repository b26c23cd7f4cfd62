/**
 * The engine's in-memory partition log ({@link io.sluice.log.internal.MemoryLog}) and its retention. Not API: it may
 * change in any release without notice (public only for the engine in {@code io.sluice.internal} and for JMH).
 */
package io.sluice.log.internal;
