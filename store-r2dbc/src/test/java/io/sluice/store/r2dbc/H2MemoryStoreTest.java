package io.sluice.store.r2dbc;

/** The contract on H2 in memory: nothing survives close. */
class H2MemoryStoreTest extends R2dbcStoreContract {
    @Override
    R2dbcStore open() {
        return R2dbcStore.h2Memory();
    }

    @Override
    boolean survivesReopen() {
        return false;
    }
}
