package io.sluice.contract;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.testing.DurableMemoryStore;

/** The contract on an engine whose store says it is durable: every batch also goes through the store path. */
class DurableMemorySluiceContractTest extends SluiceContractTest {
    @Override
    protected Sluice newSluice() {
        DurableMemoryStore store = new DurableMemoryStore();
        return Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("durable-memory"));
    }
}
