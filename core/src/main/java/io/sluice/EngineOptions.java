package io.sluice;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.check.Check;
import io.sluice.log.LogStore;
import io.sluice.log.OffsetStore;
import java.time.Clock;

/**
 * How an embedded engine stores, measures and schedules. Immutable: every setter returns a copy.
 *
 * <pre>{@code Sluice.embedded(EngineOptions.create().meterRegistry(registry).deliveryThreads(4))}</pre>
 */
public final class EngineOptions {
    private LogStore store = LogStore.inMemory();
    private OffsetStore offsetStore = null;
    private MeterRegistry meterRegistry = null;
    private Clock clock = Clock.systemUTC();
    private int deliveryThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private String name = "sluice";

    private EngineOptions() {
    }

    private EngineOptions(EngineOptions o) {
        this.store = o.store;
        this.offsetStore = o.offsetStore;
        this.meterRegistry = o.meterRegistry;
        this.clock = o.clock;
        this.deliveryThreads = o.deliveryThreads;
        this.name = o.name;
    }

    public static EngineOptions create() {
        return new EngineOptions();
    }

    /** Where logs persist; memory only by default. A store that is also an {@link OffsetStore} keeps offsets too. */
    public EngineOptions store(LogStore store) {
        EngineOptions c = new EngineOptions(this);
        c.store = Check.notNull("store", store);
        return c;
    }

    /** Where committed offsets live; by default the log store if it is an {@link OffsetStore}, else memory. */
    public EngineOptions offsetStore(OffsetStore offsetStore) {
        EngineOptions c = new EngineOptions(this);
        c.offsetStore = Check.notNull("offsetStore", offsetStore);
        return c;
    }

    /** Where the {@code sluice.*} meters go; a new {@link SimpleMeterRegistry} by default. */
    public EngineOptions meterRegistry(MeterRegistry registry) {
        EngineOptions c = new EngineOptions(this);
        c.meterRegistry = Check.notNull("meterRegistry", registry);
        return c;
    }

    /** The clock that stamps records and ages retention. */
    public EngineOptions clock(Clock clock) {
        EngineOptions c = new EngineOptions(this);
        c.clock = Check.notNull("clock", clock);
        return c;
    }

    /** Threads that run consumers' delivery loops (non-blocking threads named {@code <name>-delivery-N}). */
    public EngineOptions deliveryThreads(int threads) {
        EngineOptions c = new EngineOptions(this);
        c.deliveryThreads = Check.positive("deliveryThreads", threads);
        return c;
    }

    /** The engine's name, used in thread names and the {@code node} meter tag. */
    public EngineOptions name(String name) {
        EngineOptions c = new EngineOptions(this);
        c.name = Check.name("name", name);
        return c;
    }

    public LogStore store() {
        return store;
    }

    public OffsetStore offsetStore() {
        if (offsetStore != null) {
            return offsetStore;
        }
        return store instanceof OffsetStore os ? os : null;
    }

    /** The registry, or null when none was given. */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public Clock clock() {
        return clock;
    }

    public int deliveryThreads() {
        return deliveryThreads;
    }

    public String name() {
        return name;
    }
}
