/** The network transport on Reactor Netty: wire codec, {@code SluiceServer}, {@code NettySluice}. Not built yet: see the transport issue. */
package io.sluice.transport.netty;
