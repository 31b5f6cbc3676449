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

    /** System.currentTimeMillis() at {@link #syncNanos}, for {@link #millisAt}. */
    private long syncMillis;
    private long syncNanos;
    private boolean synced;

    /**
     * {@link #millis()} for a moment the caller has just read with {@link System#nanoTime()} (the executor's command
     * dispatch, which also times the command with it): the wall clock is read again only when a millisecond has
     * passed since the last read, so a command costs one clock read instead of two (each one is 3-4% of a PING's
     * server CPU on a VM). At most a millisecond behind {@link #millis()}, and a step of the wall clock is seen
     * within one. Executor thread only.
     */
    public long millisAt(long nanos) {
        long elapsed = nanos - syncNanos;
        if (!synced || elapsed >= 1_000_000 || elapsed < 0) {
            syncMillis = System.currentTimeMillis();
            syncNanos = nanos;
            synced = true;
            return syncMillis + offsetMillis;
        }
        return syncMillis + offsetMillis;
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
