package io.sluice.contract;

import io.sluice.EngineOptions;
import io.sluice.Sluice;
import io.sluice.testing.DurableMemoryStore;

/** The contract on an engine whose store says it is durable: every batch also goes through the store path. */
class DurableMemorySluiceContractTest extends SluiceContractTest {
    private DurableMemoryStore store;

    @Override
    protected Sluice newSluice() {
        store = new DurableMemoryStore();
        return Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("durable-memory"));
    }

    /** An engine on the same store: it recovers what the closed one stored. */
    @Override
    protected Sluice reopen() {
        return Sluice.embedded(EngineOptions.create().store(store).offsetStore(store).name("durable-memory"));
    }
}
