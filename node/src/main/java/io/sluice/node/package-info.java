/**
 * The runnable node: {@link io.sluice.node.SluiceNode}, the {@code sluice-node} command behind
 * {@code sluice-node.jar}, serves an engine on a memory, H2 or PostgreSQL store over TCP
 * ({@link io.sluice.transport.netty.SluiceServer}) and answers {@code /metrics} and {@code /health} over HTTP.
 * Everything here but {@code SluiceNode} and {@link io.sluice.node.RunningNode} is package-private.
 */
package io.sluice.node;
