package io.sluice.internal;

import io.sluice.EngineOptions;
import io.sluice.Sluice;

/** STUB */
public final class Engine {
    public static Sluice start(EngineOptions options) {
        throw new UnsupportedOperationException();
    }
}
