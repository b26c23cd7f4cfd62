package io.sluice.transport.netty;

import io.sluice.Sluice;
import io.sluice.contract.SluiceContractTest;

/** The core's contract, unchanged, against {@link NettySluice} talking to a {@link SluiceServer} over loopback TCP. */
class NettySluiceContractTest extends SluiceContractTest {
    @Override
    protected Sluice newSluice() {
        return new LoopbackNode();
    }
}
