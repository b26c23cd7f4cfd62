/**
 * The harness, the same for every target: the payload source and its pacing, the {@code Probe} that counts what
 * arrives (latency, reliability tally, throughput timeline), the runner of warm-up and measured phases, the results
 * and their statistics over repeated rounds, and the {@code Target} contract a system under test implements.
 */
package io.sluice.benchmarks.perf.measure;
