package io.sluice.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Hooks;

/** The errors Reactor dropped (and would have logged at ERROR) while a piece of a test ran. */
public final class DroppedErrors {
    private DroppedErrors() {
    }

    /** Runs {@code body} with Reactor's dropped-error hook collecting, and returns what it collected. */
    public static List<Throwable> during(Runnable body) {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            body.run();
        } finally {
            Hooks.resetOnErrorDropped();
        }
        return dropped;
    }
}
