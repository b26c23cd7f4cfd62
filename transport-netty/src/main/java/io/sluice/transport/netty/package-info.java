/**
 * The network transport on Reactor Netty: {@link io.sluice.transport.netty.SluiceServer} serves an embedded engine
 * to remote clients, {@link io.sluice.transport.netty.NettySluice} is the {@link io.sluice.Sluice} API on a remote
 * node, {@link io.sluice.transport.netty.ServerOptions}/{@link io.sluice.transport.netty.ClientOptions} and
 * {@link io.sluice.transport.netty.Access} configure them; {@code node} holds the runnable node. The wire protocol
 * is described in {@code internal.Frames}.
 */
package io.sluice.transport.netty;
