/**
 * The wire protocol ({@link io.sluice.transport.netty.internal.Frames}), the node's per-connection session and the
 * client's connection, producer target, consumer and admin. No compatibility promise: use
 * {@link io.sluice.transport.netty.SluiceServer} and {@link io.sluice.transport.netty.NettySluice}.
 */
package io.sluice.transport.netty.internal;
