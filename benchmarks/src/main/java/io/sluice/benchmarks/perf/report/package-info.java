/**
 * The reports of {@code sluice-perf}: the table on the terminal, the results as JSON (written and read back with
 * Jackson), and the self-contained HTML page with SVG charts of {@code report}.
 */
package io.sluice.benchmarks.perf.report;
