package io.sluice.contract;

import io.sluice.testing.DurableMemoryStore;

/** The restart contract on {@link DurableMemoryStore}: the engine's side of recovery, without a database. */
class DurableMemoryRestartTest extends RestartContractTest {
    private final DurableMemoryStore store = new DurableMemoryStore();

    @Override
    protected Stores reopen() {
        return new Stores(store, store);
    }
}
