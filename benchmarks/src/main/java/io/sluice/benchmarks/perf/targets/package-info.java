/**
 * The targets that run Sluice (embedded, on H2 or PostgreSQL, over TCP to a node) and the baselines (raw Reactor, rows
 * in a database), and {@code Targets}, the registry of every target by name with {@code Peers}, where the peers live.
 */
package io.sluice.benchmarks.perf.targets;
