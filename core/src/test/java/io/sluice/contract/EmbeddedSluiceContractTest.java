package io.sluice.contract;

import io.sluice.Sluice;

/** The contract, in memory, in process. */
class EmbeddedSluiceContractTest extends SluiceContractTest {
    @Override
    protected Sluice newSluice() {
        return Sluice.embedded();
    }
}
