package io.cinnabar.server;

import io.cinnabar.server.exec.Engine;
import java.time.Duration;
import java.time.Instant;

/**
 * The server's clock as tests see it: it follows the system clock, and {@link #advance} moves it forward at once.
 * Keys whose time passes expire as if the time had gone by (TTL, PTTL, TIME, active expiry and DBSIZE agree),
 * without sleeping. Thread-safe.
 */
public final class VirtualClock {
    private final Engine engine;

    VirtualClock(Engine engine) {
        this.engine = engine;
    }

    /** Moves time forward by {@code duration} and expires what became due; returns when that is done. */
    public VirtualClock advance(Duration duration) {
        engine.call(() -> {
            engine.advanceClock(duration);
            return null;
        });
        return this;
    }

    /** The server's current time. */
    public Instant now() {
        return Instant.ofEpochMilli(engine.clock().millis());
    }

    /** How far the clock has been moved ahead of the system clock. */
    public Duration offset() {
        return Duration.ofMillis(engine.clock().offsetMillis());
    }
}
