package io.cinnabar.server.exec;

import java.time.Duration;

/**
 * The server's time: the system clock plus an offset that tests move forward ({@code server.clock().advance}).
 * Every time the server reads (key expiry, TTL, TIME, LASTSAVE, idle times) comes from here, so a jump is seen
 * consistently. Thread-safe: the offset is read on the executor and moved from test threads.
 */
public final class ServerClock {
    private volatile long offsetMillis;

    public long millis() {
        return System.currentTimeMillis() + offsetMillis;
    }

    /** Unix time in microseconds. */
    public long micros() {
        java.time.Instant now = java.time.Instant.now();
        return (now.getEpochSecond() * 1_000_000L + now.getNano() / 1000) + offsetMillis * 1000;
    }

    /** Moves time forward; the caller then lets the executor expire what became due. */
    void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + by);
        }
        offsetMillis += by.toMillis();
    }

    public long offsetMillis() {
        return offsetMillis;
    }
}
